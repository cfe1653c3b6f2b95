import { eventually } from "@watchersyncer/testkit";
import { describe, expect, it } from "vitest";
import type { Json } from "./helpers.js";
import { useKubectl } from "./kubectl-harness.js";

const CRD_YAML = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                cronSpec: {type: string}
                image: {type: string}
`;

const OBJECTS_YAML = (image: string) => `apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: nightly
  namespace: jobs
spec:
  cronSpec: "0 3 * * *"
  image: ${image}
---
apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: hourly
  namespace: jobs
spec:
  cronSpec: "0 * * * *"
  image: busybox
`;

const CRONTABS = { group: "stable.example.com", version: "v1", plural: "crontabs" };

describe("kubectl with a CustomResourceDefinition", () => {
  const k = useKubectl();

  it("applies a CRD, waits for Established, and finds it in api-resources with its short name", async () => {
    const crd = await k.kubectl("apply", "-f", await k.file("crd.yaml", CRD_YAML));
    expect(crd.code, crd.stderr).toBe(0);
    expect(crd.stdout).toContain(
      "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created",
    );
    const established = await k.kubectl(
      "wait",
      "--for=condition=Established",
      "crd/crontabs.stable.example.com",
    );
    expect(established.code, established.stderr).toBe(0);
    const resources = await k.kubectl("api-resources", "--api-group=stable.example.com", "-o", "wide");
    expect(resources.code, resources.stderr).toBe(0);
    expect(resources.stdout).toMatch(/crontabs\s+ct\s+stable\.example\.com\/v1\s+true\s+CronTab/);
  }, 60_000);

  it("applies objects, gets them by plural and short name, and re-applies changes", async () => {
    const applied = await k.kubectl("apply", "-f", await k.file("objects.yaml", OBJECTS_YAML("alpine")));
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain("crontab.stable.example.com/nightly created");
    for (const name of ["crontabs", "ct", "crontab", "crontabs.stable.example.com"]) {
      const got = await k.kubectl("get", name, "-n", "jobs", "-o", "json");
      expect(got.code, `${name}: ${got.stderr}`).toBe(0);
      expect(JSON.parse(got.stdout).items.map((i: Json) => i.metadata.name)).toEqual(["hourly", "nightly"]);
    }
    const changed = await k.kubectl("apply", "-f", await k.file("objects.yaml", OBJECTS_YAML("alpine:3")));
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toContain("crontab.stable.example.com/nightly configured");
    expect(changed.stdout).toContain("crontab.stable.example.com/hourly unchanged");
    expect(k.server.get(CRONTABS, "nightly", "jobs")?.spec).toEqual({
      cronSpec: "0 3 * * *",
      image: "alpine:3",
    });
    const table = await k.kubectl("get", "ct", "-n", "jobs");
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/nightly/);
  }, 60_000);

  it("watches with get -w, and deleting the CRD ends the watch and the resource", async () => {
    const watch = k.watch(["get", "ct", "-n", "jobs", "-w", "-o", "json", "--output-watch-events"]);
    try {
      await eventually("initial objects", () => watch.documents().length >= 2, { timeoutMs: 30_000 });
      k.server.create(CRONTABS, {
        metadata: { name: "weekly", namespace: "jobs" },
        spec: { cronSpec: "0 0 * * 0" },
      });
      await eventually("the new object", () => watch.documents().length >= 3, { timeoutMs: 30_000 });
      const deleted = await k.kubectl("delete", "crd", "crontabs.stable.example.com");
      expect(deleted.code, deleted.stderr).toBe(0);
      expect(deleted.stdout).toContain(
        'customresourcedefinition.apiextensions.k8s.io "crontabs.stable.example.com" deleted',
      );
      await eventually("the deletions", () => watch.documents().length >= 6, { timeoutMs: 30_000 });
      expect(watch.documents().map((d) => `${d.type} ${d.object.metadata.name}`)).toEqual([
        "ADDED hourly",
        "ADDED nightly",
        "ADDED weekly",
        "DELETED hourly",
        "DELETED nightly",
        "DELETED weekly",
      ]);
      await eventually("the server ended the watch", () => k.server.openWatches === 0, { timeoutMs: 30_000 });
    } finally {
      watch.stop();
    }
    const gone = await k.kubectl("get", "crontabs.stable.example.com", "-n", "jobs");
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain("the server doesn't have a resource type");
  }, 60_000);
});
