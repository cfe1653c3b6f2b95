import { calicoPolicy } from "../k8s/calico-policy.js";

/**
 * Pods, Services and Calico NetworkPolicies shaped like a real cluster's, with the metadata that
 * makes up much of a real object's size: `managedFields` (server-side apply's field ownership, one
 * entry per manager, mirroring the fields it set) and annotations (kubectl's
 * last-applied-configuration, a copy of the applied spec, and a few short ones). They are what
 * the transform of the memory rows drops: about 1–2 KB of each object's JSON.
 */

type Json = Record<string, unknown>;

const NAMESPACES = 50;
const TIME = "2026-11-02T09:14:27Z";

/** The `fieldsV1` of a value: every field it sets, as server-side apply records them. */
function fieldsV1Of(value: unknown): Json {
  if (Array.isArray(value)) {
    const fields: Json = {};
    for (const item of value) {
      const name = (item as { name?: unknown } | null)?.name;
      if (typeof name === "string") fields[`k:{"name":"${name}"}`] = { ".": {}, ...fieldsV1Of(item) };
      else fields[`v:${JSON.stringify(item)}`] = {};
    }
    return fields;
  }
  if (typeof value !== "object" || value === null) return {};
  const fields: Json = {};
  for (const [key, child] of Object.entries(value)) fields[`f:${key}`] = fieldsV1Of(child);
  return fields;
}

function managedFields(object: Json, statusManager: string | undefined): Json[] {
  const { metadata, spec, status } = object as { metadata: Json; spec: unknown; status?: unknown };
  const entries: Json[] = [
    {
      manager: "kubectl-client-side-apply",
      operation: "Update",
      apiVersion: object.apiVersion,
      time: TIME,
      fieldsType: "FieldsV1",
      fieldsV1: {
        "f:metadata": {
          "f:annotations": { ".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {} },
          "f:labels": fieldsV1Of(metadata.labels),
        },
        "f:spec": fieldsV1Of(spec),
      },
    },
  ];
  if (statusManager !== undefined && status !== undefined) {
    entries.push({
      manager: statusManager,
      operation: "Update",
      apiVersion: object.apiVersion,
      time: TIME,
      fieldsType: "FieldsV1",
      fieldsV1: { "f:status": fieldsV1Of(status) },
      subresource: "status",
    });
  }
  return entries;
}

/** Adds what kubectl apply and the controllers leave on an object: managedFields and annotations. */
function withClusterMetadata(object: Json, statusManager?: string): Json {
  const metadata = object.metadata as Json;
  const applied = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: { ...metadata },
    spec: object.spec,
  };
  return {
    ...object,
    metadata: {
      ...metadata,
      annotations: {
        ...(metadata.annotations as Json | undefined),
        "kubectl.kubernetes.io/last-applied-configuration": `${JSON.stringify(applied)}\n`,
        "deployment.kubernetes.io/revision": "7",
      },
      managedFields: managedFields(object, statusManager),
    },
  };
}

function nameOf(prefix: string, index: number): { name: string; namespace: string } {
  return {
    name: `${prefix}-${String(index).padStart(6, "0")}`,
    namespace: `team-${String(index % NAMESPACES).padStart(3, "0")}`,
  };
}

/** `revision` changes the spec, so that a write with another revision really updates the object. */
export function clusterPod(index: number, revision = 0): Json {
  const app = `svc-${index % 97}`;
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...nameOf(`${app}-7d9f8b6c5-x`, index),
      labels: { app, "pod-template-hash": "7d9f8b6c5", tier: index % 3 === 0 ? "frontend" : "backend" },
    },
    spec: {
      nodeName: `node-${index % 200}`,
      serviceAccountName: app,
      containers: [
        {
          name: "app",
          image: `registry.example.com/${app}:1.${index % 40}.${revision}`,
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
          env: [{ name: "LOG_LEVEL", value: "info" }],
        },
      ],
    },
    status: {
      phase: "Running",
      podIP: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`,
      hostIP: `192.168.${(index % 200) >> 8}.${index % 200}`,
      conditions: [
        { type: "Ready", status: "True", lastTransitionTime: TIME },
        { type: "ContainersReady", status: "True", lastTransitionTime: TIME },
      ],
    },
  };
  return withClusterMetadata(pod, "kubelet");
}

export function clusterService(index: number): Json {
  const app = `svc-${index % 97}`;
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      ...nameOf(`${app}-svc`, index),
      labels: { app, "app.kubernetes.io/part-of": `shop-${index % 13}` },
    },
    spec: {
      type: "ClusterIP",
      clusterIP: `10.96.${(index >> 8) & 255}.${index & 255}`,
      selector: { app },
      ports: [
        { name: "http", port: 80, targetPort: 8080, protocol: "TCP" },
        { name: "metrics", port: 9090, targetPort: 9090, protocol: "TCP" },
      ],
      sessionAffinity: "None",
    },
  };
  return withClusterMetadata(service);
}

export function clusterPolicy(index: number): Json {
  return withClusterMetadata(calicoPolicy(index));
}
