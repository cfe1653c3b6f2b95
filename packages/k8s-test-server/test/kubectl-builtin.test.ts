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

  it("creates a namespace, a configmap and a secret with kubectl's typed create (protobuf bodies)", async () => {
    const ns = await k.kubectl("create", "namespace", "typed");
    expect(ns.code, ns.stderr).toBe(0);
    expect(ns.stdout).toContain("namespace/typed created");
    const cm = await k.kubectl("create", "configmap", "x", "-n", "typed", "--from-literal=a=b");
    expect(cm.code, cm.stderr).toBe(0);
    expect(cm.stdout).toContain("configmap/x created");
    const secret = await k.kubectl("create", "secret", "generic", "s", "-n", "typed", "--from-literal=a=b");
    expect(secret.code, secret.stderr).toBe(0);
    expect(secret.stdout).toContain("secret/s created");

    const gotNs = JSON.parse((await k.kubectl("get", "namespace", "typed", "-o", "json")).stdout);
    expect(gotNs).toMatchObject({ apiVersion: "v1", kind: "Namespace", metadata: { name: "typed" } });
    const gotCm = JSON.parse((await k.kubectl("get", "configmap", "x", "-n", "typed", "-o", "json")).stdout);
    expect(gotCm).toMatchObject({
      kind: "ConfigMap",
      metadata: { name: "x", namespace: "typed" },
      data: { a: "b" },
    });
    const gotSecret = JSON.parse((await k.kubectl("get", "secret", "s", "-n", "typed", "-o", "json")).stdout);
    expect(gotSecret).toMatchObject({ kind: "Secret", type: "Opaque", data: { a: "Yg==" } });

    const again = await k.kubectl("create", "configmap", "x", "-n", "typed", "--from-literal=a=c");
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('configmaps "x" already exists');
    const service = await k.kubectl("create", "service", "clusterip", "svc", "-n", "typed", "--tcp=80:80");
    expect(service.code).not.toBe(0);
    expect(service.stderr).toContain("send application/json");
  }, 60_000);
});
