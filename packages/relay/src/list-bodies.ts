import type { Revision } from "@watchersyncer/core";
import type { ServedResource } from "./served-resources.js";

/**
 * The encoded body of each resource's whole list (every namespace, no selector, no page) at the
 * latest revision it was asked at: clients that list at the same revision — hundreds at once when
 * they come back after a relay restart — share one encoding instead of each costing the relay
 * the whole list's JSON and UTF-8 again. Only the latest revision is kept.
 */
export class ListBodies {
  private readonly latest = new WeakMap<ServedResource, { revision: Revision; chunks: Uint8Array[] }>();

  /** The chunks of `served`'s whole list at `revision`, made by `encode` unless already made. */
  chunksOf(served: ServedResource, revision: Revision, encode: () => Uint8Array[]): Uint8Array[] {
    const held = this.latest.get(served);
    if (held !== undefined && held.revision === revision) return held.chunks;
    const chunks = encode();
    this.latest.set(served, { revision, chunks });
    return chunks;
  }
}
