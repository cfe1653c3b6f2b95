import {
  DatastoreError,
  type KVPair,
  type KVPairList,
  type KVPairListPage,
  type Logger,
  ParseError,
  type Revision,
} from "@watchersyncer/core";
import { abortable, collectList, throwIfAborted } from "@watchersyncer/core/backend";
import type { IRangeResponse, KVClient } from "etcd3";
import { decodeKeyValue } from "./decode.js";
import { isFutureRevision, isMessageTooLarge, toDatastoreError } from "./errors.js";
import { keyFromBytes } from "./key-bytes.js";
import type { KeyRange } from "./key-layout.js";
import { PageLimit } from "./page-limit.js";

export interface SnapshotListRequest {
  kv: KVClient;
  range: KeyRange;
  /** "" = latest. */
  revision: Revision;
  /** Keys per page at most; fewer when pages would not fit {@link maxReceiveMessageBytes}. */
  pageSize: number;
  /** The gRPC receive limit in force; `Infinity` when there is none. */
  maxReceiveMessageBytes: number;
  requestTimeoutMs: number;
  signal: AbortSignal;
  logger: Logger;
}

/** Where one page starts and at which revision; `limit` says how many keys to ask for. */
interface PageRequest {
  start: Buffer;
  revision: Revision;
  serializable: boolean;
  limit: PageLimit;
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
 *
 * Pages hold at most `pageSize` keys and are sized to fit the gRPC receive limit (see
 * {@link PageLimit}): a page that does not fit is read again, from the same key at the same
 * revision, with fewer keys. A list fails for its size only when one value alone does not fit.
 */
export async function listSnapshotInPages(
  request: SnapshotListRequest,
  onPage: (page: KVPairListPage) => void,
): Promise<{ revision: Revision }> {
  let revision = request.revision;
  const limit = new PageLimit(request.pageSize, request.maxReceiveMessageBytes);
  // The first read of "latest" goes through consensus so the snapshot is not stale; later pages
  // name their revision, which any member can serve locally.
  let page = await readPage(request, {
    start: request.range.start,
    revision,
    serializable: revision !== "",
    limit,
  });
  if (revision === "") revision = String(page.response.header.revision);
  for (;;) {
    // Sized before the read-ahead starts, so it already asks for no more than fits.
    limit.afterPage(page.response);
    const nextStart = nextPageStart(page);
    const next =
      nextStart === undefined
        ? undefined
        : readPage(request, { start: nextStart, revision, serializable: true, limit });
    // If decoding or onPage throws, the read in flight must not become an unhandled rejection.
    next?.catch(() => {});
    onPage(decodePage(page.response));
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
function nextPageStart({ response, keysAsked }: ReceivedPage): Buffer | undefined {
  const last = response.kvs[response.kvs.length - 1];
  if (!response.more || last === undefined || response.kvs.length < keysAsked) return undefined;
  // Right after the last key read: key + "\0".
  return Buffer.concat([last.key, Buffer.from([0])]);
}

interface ReceivedPage {
  response: IRangeResponse;
  keysAsked: number;
}

/**
 * One page. A response over the gRPC receive limit is asked for again from the same key at the
 * same revision with half as many keys, and later pages start from the smaller size (see
 * {@link PageLimit}); when even one key does not fit, the list fails with an error that names it.
 */
async function readPage(request: SnapshotListRequest, read: PageRequest): Promise<ReceivedPage> {
  const { range, signal, logger } = request;
  let lagging = 0;
  for (;;) {
    const keysAsked = read.limit.current;
    try {
      return { response: await readRange(request, read, keysAsked), keysAsked };
    } catch (err) {
      throwIfAborted(signal);
      if (isFutureRevision(err) && lagging < futureRevisionRetries) {
        // A member behind the page's revision (only a serializable read gets this answer; a
        // linearizable one waits until the member caught up). The quarantine now avoids that
        // member for a moment, so after a short pause this goes to another member, or, when it
        // is the only one, to this one caught up.
        lagging++;
        logger.debug("etcd member lags behind the list's revision; retrying the page", {
          prefix: range.prefix,
          revision: read.revision,
        });
        await pause(futureRevisionPauseMs, signal);
        continue;
      }
      if (!isMessageTooLarge(err)) throw toDatastoreError(err, `list ${range.prefix}`);
      if (!read.limit.shrink()) throw await valueTooLargeError(request, read, err);
      logger.warn("etcd list page exceeds the gRPC receive limit; asking for fewer keys", {
        prefix: range.prefix,
        keys: keysAsked,
        nextKeys: read.limit.current,
        maxReceiveMessageBytes: request.maxReceiveMessageBytes,
      });
    }
  }
}

/** How often, and how far apart, a page a lagging member refused is asked for again. */
const futureRevisionRetries = 5;
const futureRevisionPauseMs = 200;

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  throwIfAborted(signal);
}

/** The final error of a list whose next key alone is bigger than the receive limit. */
async function valueTooLargeError(
  request: SnapshotListRequest,
  read: PageRequest,
  cause: unknown,
): Promise<DatastoreError> {
  const { range, maxReceiveMessageBytes, logger } = request;
  // The value never arrived, so ask for the key alone to say which one it is.
  let key: string;
  try {
    const found = await readRange(request, { ...read, keysOnly: true }, 1);
    key = keyFromBytes(found.kvs[0]?.key ?? read.start);
  } catch {
    throwIfAborted(request.signal);
    key = `the first key from ${keyFromBytes(read.start)}`;
  }
  const limit = Number.isFinite(maxReceiveMessageBytes)
    ? `the gRPC receive limit of ${maxReceiveMessageBytes} bytes (maxReceiveMessageBytes)`
    : "a gRPC message size limit";
  const error = new DatastoreError(
    `list ${range.prefix}: ${key} alone exceeds ${limit}; ` +
      "the list cannot succeed until that value shrinks or the limit is raised",
    { cause },
  );
  logger.error("etcd list cannot succeed: one value exceeds the gRPC receive limit", {
    prefix: range.prefix,
    key,
    maxReceiveMessageBytes,
    error,
  });
  return error;
}

function readRange(
  request: SnapshotListRequest,
  read: PageRequest & { keysOnly?: boolean },
  keys: number,
): Promise<IRangeResponse> {
  const { kv, range, requestTimeoutMs, signal } = request;
  throwIfAborted(signal);
  const call = kv.range(
    {
      key: read.start,
      range_end: range.end,
      limit: keys,
      revision: read.revision === "" ? 0 : read.revision,
      serializable: read.serializable,
      keys_only: read.keysOnly === true,
    },
    { deadline: Date.now() + requestTimeoutMs },
  );
  return abortable(call, signal);
}
