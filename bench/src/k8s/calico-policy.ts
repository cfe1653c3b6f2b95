/**
 * A Calico NetworkPolicy (crd.projectcalico.org/v1) shaped like the ones real clusters carry: tier
 * labels, Calico's metadata annotation, ingress and egress rules with selectors, nets and ports.
 * Stored on the test server, with the metadata the server adds, one is about 1.4 KB of JSON.
 */

export const NETWORK_POLICIES = {
  group: "crd.projectcalico.org",
  version: "v1",
  plural: "networkpolicies",
} as const;

export const NAMESPACES = 100;

export function policyName(index: number): { name: string; namespace: string } {
  return {
    name: `allow-frontend-to-api-${String(index).padStart(6, "0")}`,
    namespace: `tenant-${String(index % NAMESPACES).padStart(3, "0")}`,
  };
}

/** `revision` varies the spec so that every burst write really changes the object. */
export function calicoPolicy(index: number, revision = 0): Record<string, unknown> {
  const { name, namespace } = policyName(index);
  const app = `svc-${index % 97}`;
  return {
    apiVersion: "crd.projectcalico.org/v1",
    kind: "NetworkPolicy",
    metadata: {
      name,
      namespace,
      labels: {
        "projectcalico.org/tier": "application",
        "app.kubernetes.io/part-of": `shop-${index % 13}`,
        "app.kubernetes.io/managed-by": "policy-controller",
      },
      annotations: {
        "projectcalico.org/metadata": '{"creationTimestamp":null}',
        "policy.example.com/owner": `team-${index % 29}@example.com`,
      },
    },
    spec: {
      tier: "application",
      order: 100 + (index % 900) + revision,
      selector: `app == '${app}' && role == 'api'`,
      types: ["Ingress", "Egress"],
      ingress: [
        {
          action: "Allow",
          protocol: "TCP",
          source: {
            selector: `app == '${app}-frontend'`,
            namespaceSelector: `projectcalico.org/name == '${namespace}'`,
          },
          destination: { ports: [8080, 8443] },
        },
        {
          action: "Allow",
          protocol: "TCP",
          source: { nets: ["10.20.0.0/16", "10.30.0.0/16"], selector: "role == 'monitoring'" },
          destination: { ports: [9090] },
        },
        { action: "Deny", protocol: "TCP", destination: { notPorts: ["1:1023"] } },
      ],
      egress: [
        {
          action: "Allow",
          protocol: "UDP",
          destination: {
            selector: "k8s-app == 'kube-dns'",
            namespaceSelector: "projectcalico.org/name == 'kube-system'",
            ports: [53],
          },
        },
        {
          action: "Allow",
          protocol: "TCP",
          destination: { nets: [`10.${index % 250}.0.0/16`], ports: [5432, 6379] },
        },
        { action: "Log", protocol: "TCP", destination: { ports: [443] } },
      ],
    },
  };
}
