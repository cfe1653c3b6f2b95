import { describe, expect, it } from "vitest";
import type { Json } from "./helpers.js";
import { useKubectl } from "./kubectl-harness.js";

const OBJECTS = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: demo
data:
  a: b
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: main
          image: nginx
`;

describe("kubectl with ConfigMaps, Secrets and Deployments", () => {
  const k = useKubectl();

  it("applies them from YAML and gets them by short name", async () => {
    const applied = await k.kubectl("apply", "-f", await k.file("objects.yaml", OBJECTS));
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain("configmap/settings created");
    expect(applied.stdout).toContain("deployment.apps/web created");
    const cm = await k.kubectl("get", "cm", "-n", "demo", "-o", "json");
    expect(cm.code, cm.stderr).toBe(0);
    expect(JSON.parse(cm.stdout).items.map((i: Json) => i.data)).toEqual([{ a: "b" }]);
    const deploy = await k.kubectl("get", "deploy", "web", "-n", "demo", "-o", "json");
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(JSON.parse(deploy.stdout)).toMatchObject({
      apiVersion: "apps/v1",
      kind: "Deployment",
      spec: { replicas: 2 },
    });
    const table = await k.kubectl("get", "deployments.apps", "-n", "demo");
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/web/);
  }, 60_000);
});
