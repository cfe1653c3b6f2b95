import {
  type KVPair,
  type KVPairList,
  type KVPairListPage,
  ParseError,
  type Revision,
} from "@watchersyncer/core";
import { abortable, collectList, throwIfAborted } from "@watchersyncer/core/backend";
import type { IRangeResponse, KVClient } from "etcd3";
import { decodeKeyValue } from "./decode.js";
import { toDatastoreError } from "./errors.js";
import type { KeyRange } from "./key-layout.js";

export interface SnapshotListRequest {
  kv: KVClient;
  range: KeyRange;
  /** "" = latest. */
  revision: Revision;
  pageSize: number;
  requestTimeoutMs: number;
  signal: AbortSignal;
}

/** The whole prefix as one list (see {@link listSnapshotInPages}). */
export function listSnapshot(request: SnapshotListRequest): Promise<KVPairList> {
  return collectList((onPage) => listSnapshotInPages(request, onPage));
}

/**
 * Reads a whole prefix page by page and hands each page to `onPage` as it arrives. Every page after
 * the first is read at the first page's revision, so however many pages there are and whatever is
 * written meanwhile, the pages make one consistent snapshot and its revision is a valid point to
 * watch from.
 *
 * The next page is requested before the current one is decoded: etcd (3.4) walks the rest of the
 * range to count it for every page, and that walk then runs while this process decodes instead of
 * after it.
 */
export async function listSnapshotInPages(
  request: SnapshotListRequest,
  onPage: (page: KVPairListPage) => void,
): Promise<{ revision: Revision }> {
  let revision = request.revision;
  // The first read of "latest" goes through consensus so the snapshot is not stale; later pages
  // name their revision, which any member can serve locally.
  let page = await readPage(request, request.range.start, revision, revision !== "");
  if (revision === "") revision = String(page.header.revision);
  for (;;) {
    const nextStart = nextPageStart(page, request.pageSize);
    const next = nextStart === undefined ? undefined : readPage(request, nextStart, revision, true);
    // If decoding or onPage throws, the read in flight must not become an unhandled rejection.
    next?.catch(() => {});
    onPage(decodePage(page));
    if (next === undefined) return { revision };
    page = await next;
  }
}

function decodePage(page: IRangeResponse): KVPairListPage {
  const kvPairs: KVPair[] = [];
  const parseErrors: ParseError[] = [];
  for (const stored of page.kvs) {
    const decoded = decodeKeyValue(stored);
    if (decoded instanceof ParseError) parseErrors.push(decoded);
    else kvPairs.push(decoded);
  }
  return parseErrors.length === 0 ? { kvPairs } : { kvPairs, parseErrors };
}

/** Where the page after `page` starts, or undefined when `page` was the last. */
function nextPageStart(page: IRangeResponse, pageSize: number): Buffer | undefined {
  const last = page.kvs[page.kvs.length - 1];
  if (!page.more || last === undefined || page.kvs.length < pageSize) return undefined;
  // Right after the last key read: key + "\0".
  return Buffer.concat([last.key, Buffer.from([0])]);
}

async function readPage(
  request: SnapshotListRequest,
  start: Buffer,
  revision: Revision,
  serializable: boolean,
): Promise<IRangeResponse> {
  const { kv, range, pageSize, requestTimeoutMs, signal } = request;
  throwIfAborted(signal);
  const call = kv.range(
    {
      key: start,
      range_end: range.end,
      limit: pageSize,
      revision: revision === "" ? 0 : revision,
      serializable,
    },
    { deadline: Date.now() + requestTimeoutMs },
  );
  try {
    return await abortable(call, signal);
  } catch (err) {
    throwIfAborted(signal);
    throw toDatastoreError(err, `list ${range.prefix}`);
  }
}
