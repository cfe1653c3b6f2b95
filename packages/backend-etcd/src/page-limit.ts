import type { IRangeResponse } from "etcd3";

/** Protobuf framing and the revisions, version and lease etcd sends with every key, roughly. */
const PER_KEY_OVERHEAD_BYTES = 32;

/**
 * How many keys the next page of one list asks etcd for. It starts at `pageSize`; a page bigger than
 * the gRPC receive limit is asked for again with half as many keys (down to one), and later pages are
 * sized from the bytes per key seen so far so they stay under half the limit. It grows back towards
 * `pageSize` by at most a doubling per page, so one run of large values does not make the rest of the
 * list crawl one key at a time, and pages of uniformly large values do not fail every other time.
 */
export class PageLimit {
  private keys: number;

  constructor(
    private readonly pageSize: number,
    private readonly maxMessageBytes: number,
  ) {
    this.keys = pageSize;
  }

  get current(): number {
    return this.keys;
  }

  /** After a response too large to receive: halves the page. False when it was one key already. */
  shrink(): boolean {
    if (this.keys <= 1) return false;
    this.keys = Math.max(1, Math.floor(this.keys / 2));
    return true;
  }

  /** After a page arrived: sizes the next one from this page's bytes per key. */
  afterPage(page: IRangeResponse): void {
    if (page.kvs.length === 0) return;
    let bytes = 0;
    for (const kv of page.kvs) bytes += kv.key.length + kv.value.length + PER_KEY_OVERHEAD_BYTES;
    const fitting = Math.floor(this.maxMessageBytes / 2 / (bytes / page.kvs.length));
    this.keys = Math.max(1, Math.min(this.pageSize, this.keys * 2, fitting));
  }
}
