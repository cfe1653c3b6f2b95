/**
 * The Kubernetes list/watch wire, shared by everything here that serves it (the test API server,
 * the relay): Status objects, resource definitions and paths, discovery documents (legacy and
 * aggregated), label and field selectors, list paging tokens and encoding, watch parameters and
 * event lines, PartialObjectMetadata negotiation. Runtime-neutral: no I/O, web-standard APIs only.
 *
 * ```ts
 * import { methodNotAllowed } from "@watchersyncer/k8s-wire";
 *
 * const status = methodNotAllowed("POST"); // a meta.k8s.io/v1 Status, code 405
 * ```
 *
 * @module
 */
export { type AcceptClause, JSON_TYPES, parseAccept } from "./accept-header.js";
export { type ContinueToken, decodeContinue, encodeContinue } from "./continue-token.js";
export {
  type AggregatedDiscoveryList,
  type AggregatedDiscoveryVersion,
  ALL_VERBS,
  type ApiResourceList,
  aggregatedContentType,
  aggregatedDiscovery,
  aggregatedDiscoveryVersion,
  apiResourceList,
  type DiscoveryOptions,
  type DiscoveryResponse,
  discoveryDocument,
  READ_ONLY_VERBS,
  SERVER_VERSION,
} from "./discovery-documents.js";
export { LIST_CHUNK_CHARS, type ListHead, listChunks } from "./list-encoding.js";
export {
  negotiatePartialMetadata,
  type PartialMetadata,
  partialForList,
  partialForObject,
  partialObject,
  watchObjectView,
} from "./partial-metadata.js";
export {
  type ListRevision,
  parseBoolean,
  parseLimit,
  parseListRevision,
  parseResourceVersion,
  selectorPredicate,
} from "./read-options.js";
export { parseResourcePath, type ResourceTarget } from "./resource-path.js";
export { compareVersionPriority, type GroupVersions, ResourceRegistry } from "./resource-registry.js";
export {
  apiVersionOf,
  CALICO_GROUP,
  CRD_RESOURCE,
  findResource,
  listKindOf,
  qualifiedPlural,
  RESOURCES,
  type ResourceDefinition,
  type ResourceRef,
} from "./resources.js";
export {
  type Predicate,
  parseFieldSelector,
  parseLabelSelector,
  SelectorSyntaxError,
} from "./selectors.js";
export {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  continueExpired,
  deleted,
  failure,
  gatewayTimeout,
  invalid,
  invalidRequest,
  listExpired,
  methodNotAllowed,
  notFound,
  pathNotFound,
  type Status,
  type StatusCause,
  type StatusDetails,
  tooLargeResourceVersion,
  tooManyRequests,
  unsupportedMediaType,
  watchExpired,
} from "./status.js";
export {
  type BookmarkObject,
  bookmarkObject,
  INITIAL_EVENTS_END_ANNOTATION,
  type ObjectChange,
  selectedChange,
  type WatchEventType,
  watchLine,
} from "./watch-events.js";
export { parseWatchRequest, sendsInitialEvents, type WatchRequest } from "./watch-request.js";
