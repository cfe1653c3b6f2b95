import type { IRangeResponse } from "etcd3";
import { describe, expect, it } from "vitest";
import { PageLimit } from "./page-limit.js";

/** A page of `keys` keys of 8 bytes with values of `valueBytes` bytes. */
function page(keys: number, valueBytes: number): IRangeResponse {
  const kvs = Array.from({ length: keys }, (_, i) => ({
    key: Buffer.from(`/k/${String(i).padStart(5, "0")}`),
    value: Buffer.alloc(valueBytes),
  }));
  return { kvs, more: true, count: String(keys) } as unknown as IRangeResponse;
}

describe("PageLimit", () => {
  it("halves down to one key, then says it cannot shrink further", () => {
    const limit = new PageLimit(20, 1024);
    const seen: number[] = [];
    while (limit.shrink()) seen.push(limit.current);
    expect(seen).toEqual([10, 5, 2, 1]);
    expect(limit.current).toBe(1);
  });

  it("keeps pages of small values at pageSize", () => {
    const limit = new PageLimit(1000, 256 * 1024 * 1024);
    limit.afterPage(page(1000, 100));
    expect(limit.current).toBe(1000);
  });

  it("sizes the next page to half the receive limit from the bytes per key seen", () => {
    const limit = new PageLimit(1000, 1_000_000);
    // 1000 bytes a key (8 key + 960 value + 32 overhead): 500 keys fill half the limit.
    limit.afterPage(page(1000, 960));
    expect(limit.current).toBe(500);
  });

  it("grows back towards pageSize by at most a doubling per page, and never below one key", () => {
    const limit = new PageLimit(100, 1_000_000);
    while (limit.shrink()) {}
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) {
      limit.afterPage(page(limit.current, 10));
      seen.push(limit.current);
    }
    expect(seen).toEqual([2, 4, 8, 16, 32, 64, 100, 100]);
    limit.afterPage(page(1, 5_000_000));
    expect(limit.current).toBe(1);
  });

  it("leaves the size as it is after an empty page", () => {
    const limit = new PageLimit(100, 1000);
    limit.shrink();
    limit.afterPage(page(0, 0));
    expect(limit.current).toBe(50);
  });

  it("has no byte bound without a receive limit", () => {
    const limit = new PageLimit(100, Number.POSITIVE_INFINITY);
    limit.afterPage(page(100, 10_000_000));
    expect(limit.current).toBe(100);
  });
});
