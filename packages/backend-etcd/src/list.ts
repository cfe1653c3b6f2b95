import type { KVPair, KVPairList, ParseError, Revision } from "@watchersyncer/core";
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

/**
 * Reads a whole prefix page by page. Every page after the first is read at the first page's
 * revision, so however many pages there are and whatever is written meanwhile, the result is one
 * consistent snapshot and its revision is a valid point to watch from.
 */
export async function listSnapshot(request: SnapshotListRequest): Promise<KVPairList> {
  const { range, pageSize, signal } = request;
  const kvPairs: KVPair[] = [];
  const parseErrors: ParseError[] = [];
  let revision = request.revision;
  let start = range.start;
  for (;;) {
    throwIfAborted(signal);
    const page = await readPage(request, {
      start,
      revision,
      // The first read of "latest" goes through consensus so the snapshot is not stale; later
      // pages name their revision, which any member can serve locally.
      serializable: revision !== "",
    });
    if (revision === "") revision = String(page.header.revision);
    for (const stored of page.kvs) {
      const decoded = decodeKeyValue(stored);
      if (decoded.ok) kvPairs.push(decoded.kv);
      else parseErrors.push(decoded.error);
    }
    const last = page.kvs[page.kvs.length - 1];
    if (!page.more || last === undefined || page.kvs.length < pageSize) break;
    // The next page starts right after the last key read: key + "\0".
    start = Buffer.concat([last.key, Buffer.from([0])]);
  }
  return parseErrors.length > 0 ? { kvPairs, revision, parseErrors } : { kvPairs, revision };
}

async function readPage(
  request: SnapshotListRequest,
  page: { start: Buffer; revision: Revision; serializable: boolean },
): Promise<IRangeResponse> {
  const { kv, range, pageSize, requestTimeoutMs, signal } = request;
  const call = kv.range(
    {
      key: page.start,
      range_end: range.end,
      limit: pageSize,
      revision: page.revision === "" ? 0 : page.revision,
      serializable: page.serializable,
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

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason ?? new Error("aborted");
}
