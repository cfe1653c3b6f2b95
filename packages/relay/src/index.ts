/**
 * A read-only relay that speaks the Kubernetes list/watch API over a `@watchersyncer/hub`: any
 * Kubernetes client (kubectl, client-go, client-node, `@watchersyncer/backend-k8s`) lists and
 * watches the relay instead of the datastore, so N consumers cost the upstream one list and one
 * watch per resource type. A web-standard `fetch(Request): Promise<Response>` handler:
 * runtime-neutral (Node through an adapter, Deno, Bun).
 *
 * ```ts
 * import { createRelay } from "@watchersyncer/relay";
 *
 * const relay = createRelay({ hub, resources: [{ listOptions: { kind: "Pod" }, definition: podDefinition }] });
 * Deno.serve({ port: 8080 }, relay.fetch);
 * ```
 *
 * @module
 */
export {
  calicoCrdObject,
  ENVELOPE_KEY_ANNOTATION,
  envelopeObject,
  kubernetesObject,
} from "./object-mappers.js";
export { RELAY_DEFAULTS, type RelayOptions } from "./options.js";
export { createRelay, type Relay, type RelayStats } from "./relay.js";
export type { ObjectMapper, RelayObject, RelayResource } from "./relay-resource.js";
