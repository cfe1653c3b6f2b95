/**
 * A kubeconfig for plain-HTTP access with a dummy bearer token (the server accepts any).
 * `insecure-skip-tls-verify` is there because @kubernetes/client-node refuses http:// servers
 * without it; kubectl ignores it for http.
 */
export function renderKubeconfig(options: { url: string; namespace?: string }): string {
  const namespace = options.namespace ?? "default";
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "  - name: k8s-test-server",
    "    cluster:",
    `      server: ${JSON.stringify(options.url)}`,
    "      insecure-skip-tls-verify: true",
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
