/**
 * The relay on Node: `serveOnNode(relay.fetch, { port })` serves it on node:http (or https), and
 * writes its watch responses to each socket in the call that sends an event, without a
 * `ReadableStream` per client in between. Node only; the package's main entry stays runtime-neutral.
 *
 * ```ts
 * import { createRelay } from "@watchersyncer/relay";
 * import { serveOnNode } from "@watchersyncer/relay/node";
 *
 * const { url } = await serveOnNode(createRelay({ hub, resources }).fetch, { port: 8080 });
 * ```
 *
 * @module
 */
export { fetchRequestOf } from "./fetch-request.js";
export { writeNodeResponse } from "./node-response.js";
export {
  closeNodeServer,
  type FetchHandler,
  HEADERS_TIMEOUT_MS,
  type NodeServer,
  nodeRequestListener,
  type ServeOnNodeOptions,
  serveOnNode,
} from "./serve-on-node.js";
