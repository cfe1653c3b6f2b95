/**
 * A wire-compatible Kubernetes API server for tests, on `node:http`: objects in memory behind one
 * global resourceVersion, list/watch with bookmarks, pagination, 410 on compacted history, and
 * injectable faults. kubectl and `@kubernetes/client-node` accept it.
 *
 * ```ts
 * import { startTestServer } from "@watchersyncer/k8s-test-server";
 *
 * const server = await startTestServer(); // 127.0.0.1, a free port
 * await server.close();
 * ```
 *
 * @module
 */

export {
  ApiError,
  apiVersionOf,
  CALICO_GROUP,
  CRD_RESOURCE,
  findResource,
  INITIAL_EVENTS_END_ANNOTATION,
  RESOURCES,
  type ResourceDefinition,
  type ResourceRef,
  SERVER_VERSION,
  type Status,
  type StatusCause,
  type StatusDetails,
} from "@watchersyncer/k8s-wire";
export {
  CORRUPT_WATCH_LINE,
  type Faults,
  type GatewayTimeoutFault,
  type TooManyRequestsFault,
} from "./faults.js";
export { renderKubeconfig } from "./kubeconfig.js";
export { type LogFields, type Logger, silentLogger } from "./logger.js";
export {
  DEFAULTS,
  startTestServer,
  TEST_SERVER_DEFAULTS,
  type TestServer,
  type TestServerOptions,
} from "./server.js";
