/**
 * The relay benchmark's objects: pods of about 1 KB of JSON, each carrying a write marker
 * annotation (`<seq>:<written at, ms since the epoch>`) so that a watch client can tell which
 * upstream write a line carries and when it was made, without asking anyone. Transpiled with the
 * child processes, so it imports nothing.
 */

export const WRITE_MARKER = "bench.watchersyncer.dev/write";
export const SEED_MARKER = "seed";
export const POD_PATH = "/api/v1/pods";
export const POD_RESOURCE = { group: "", version: "v1", plural: "pods" } as const;

export function relayPod(index: number, marker: string = SEED_MARKER): Record<string, unknown> {
  const app = `shop-${index % 97}`;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `${app}-7d9f8b6c5-${String(index).padStart(6, "0")}`,
      namespace: `team-${String(index % 50).padStart(3, "0")}`,
      labels: { app, "pod-template-hash": "7d9f8b6c5", tier: index % 3 === 0 ? "frontend" : "backend" },
      annotations: { [WRITE_MARKER]: marker },
    },
    spec: {
      nodeName: `node-${index % 200}`,
      serviceAccountName: app,
      containers: [
        {
          name: "app",
          image: `registry.example.com/${app}:1.${index % 40}.3`,
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
          env: [
            { name: "LOG_LEVEL", value: "info" },
            { name: "UPSTREAM", value: `http://${app}.team-${index % 50}.svc.cluster.local:8080` },
          ],
        },
      ],
    },
    status: {
      phase: "Running",
      podIP: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`,
      hostIP: `192.168.0.${index % 200}`,
      startTime: "2026-11-02T09:14:27Z",
      conditions: [
        { type: "Ready", status: "True", lastTransitionTime: "2026-11-02T09:14:27Z" },
        { type: "ContainersReady", status: "True", lastTransitionTime: "2026-11-02T09:14:27Z" },
      ],
    },
  };
}

/** The `<seq>` and write time of a marker; undefined for a seeded object. */
export function parseMarker(marker: string): { seq: number; writtenAt: number } | undefined {
  const colon = marker.indexOf(":");
  if (colon === -1) return undefined;
  return { seq: Number(marker.slice(0, colon)), writtenAt: Number(marker.slice(colon + 1)) };
}
