import type { ResourceDefinition } from "@watchersyncer/k8s-wire";
import { ApiError, invalid } from "@watchersyncer/k8s-wire";
import { isObject, type KubeObject } from "./store.js";

/**
 * What the apiserver does to a Secret on every write: `type` defaults to Opaque, and the
 * write-only `stringData` is merged into `data` (base64, its keys winning) and dropped.
 */
export function admitSecret(resource: ResourceDefinition, secret: KubeObject): void {
  if (secret.type === undefined || secret.type === "") secret.type = "Opaque";
  if (secret.stringData === undefined) return;
  const name = typeof secret.metadata === "object" ? String((secret.metadata as KubeObject).name ?? "") : "";
  if (!isObject(secret.stringData))
    throw new ApiError(invalid(resource, name, "stringData", "Invalid value: must be a map of strings"));
  const data: KubeObject = isObject(secret.data) ? secret.data : {};
  for (const [key, value] of Object.entries(secret.stringData)) {
    if (typeof value !== "string")
      throw new ApiError(invalid(resource, name, `stringData[${key}]`, "Invalid value: must be a string"));
    data[key] = Buffer.from(value, "utf8").toString("base64");
  }
  secret.data = data;
  delete secret.stringData;
}
