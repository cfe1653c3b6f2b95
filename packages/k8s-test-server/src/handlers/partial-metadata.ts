import type { IncomingMessage } from "node:http";
import { negotiatePartialMetadata as negotiate, type PartialMetadata } from "@watchersyncer/k8s-wire";

/** The PartialObjectMetadata conversion the request's Accept header asks for, if any. */
export function negotiatePartialMetadata(req: IncomingMessage): PartialMetadata | undefined {
  return negotiate(req.headers.accept ?? "");
}
