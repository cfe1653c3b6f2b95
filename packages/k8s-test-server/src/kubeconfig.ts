/** A kubeconfig for plain-HTTP access with a dummy bearer token (the server accepts any). */
export function renderKubeconfig(options: { url: string; namespace?: string }): string {
  const namespace = options.namespace ?? "default";
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "  - name: k8s-test-server",
    "    cluster:",
    `      server: ${JSON.stringify(options.url)}`,
    "contexts:",
    "  - name: k8s-test-server",
    "    context:",
    "      cluster: k8s-test-server",
    "      user: k8s-test-server",
    `      namespace: ${JSON.stringify(namespace)}`,
    "current-context: k8s-test-server",
    "users:",
    "  - name: k8s-test-server",
    "    user:",
    "      token: k8s-test-server-token",
    "preferences: {}",
    "",
  ].join("\n");
}
