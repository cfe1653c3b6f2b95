import type { ParseError } from "../errors.js";
import type { KVPair, KVPairList, KVPairListPage, Revision } from "../types.js";

/**
 * Collects the parts a backend's `listInPages` hands over into the one `KVPairList` that `list()`
 * returns, so a backend writes its paging once and gets both forms.
 */
export class ListCollector<V = unknown> {
  private kvPairs: KVPair<V>[] = [];
  private parseErrors: ParseError[] = [];
  private repeats = false;

  /** Pass this as `onPage`. */
  readonly onPage = (page: KVPairListPage<V>): void => {
    for (const kv of page.kvPairs) this.kvPairs.push(kv);
    if (page.parseErrors !== undefined) for (const error of page.parseErrors) this.parseErrors.push(error);
  };

  /** The list starts over (e.g. an expired continue token): what was collected is dropped. */
  restart(): void {
    this.kvPairs = [];
    this.parseErrors = [];
  }

  /** A part was read again, so some keys may have come twice: `finish` keeps each key once. */
  expectRepeats(): void {
    this.repeats = true;
  }

  /** The list, taken at `revision`; `parseErrors` only when there were any. */
  finish(revision: Revision): KVPairList<V> {
    let { kvPairs, parseErrors } = this;
    if (this.repeats) {
      // A snapshot holds each key once: the later sighting of a key wins.
      kvPairs = [...new Map(kvPairs.map((kv) => [kv.key, kv])).values()];
      parseErrors = [...new Map(parseErrors.map((error) => [error.rawKey, error])).values()];
    }
    return parseErrors.length > 0 ? { kvPairs, revision, parseErrors } : { kvPairs, revision };
  }
}

/**
 * `list()` from `listInPages`: runs `listInPages` with a collector and returns the whole list.
 *
 * @example
 * list(options, revision, signal) {
 *   return collectList((onPage) => this.listInPages(options, revision, signal, onPage));
 * }
 */
export async function collectList<V = unknown>(
  listInPages: (onPage: (page: KVPairListPage<V>) => void) => Promise<{ revision: Revision }>,
): Promise<KVPairList<V>> {
  const collector = new ListCollector<V>();
  const { revision } = await listInPages(collector.onPage);
  return collector.finish(revision);
}
