import { CRD_RESOURCE, type ResourceDefinition } from "@watchersyncer/k8s-wire";
import type { CrdController } from "./crd-controller.js";
import { admitSecret } from "./secrets.js";
import type { Admission, KubeObject } from "./store.js";

/** The per-kind write rules of this server: Secrets' stringData, CRDs serving what they define. */
export class ServerAdmission implements Admission {
  readonly #crds: CrdController;

  constructor(crds: CrdController) {
    this.#crds = crds;
  }

  admit(resource: ResourceDefinition, object: KubeObject, previous: unknown): void {
    if (resource === CRD_RESOURCE) this.#crds.admit(object, previous);
    else if (resource.group === "" && resource.plural === "secrets") admitSecret(resource, object);
  }

  beforeRemove(resource: ResourceDefinition, object: unknown): void {
    if (resource === CRD_RESOURCE) this.#crds.beforeRemove(object);
  }
}
