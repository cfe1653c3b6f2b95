import { describe, expect, it } from "vitest";
import { OpenWatches, WatchQueue } from "../../src/backend/index.js";

describe("OpenWatches", () => {
  it("close() stops every open watch, and every watch added after it", () => {
    const open = new OpenWatches<WatchQueue>();
    const a = new WatchQueue();
    const b = new WatchQueue();
    open.add(a);
    open.add(b);
    open.delete(b);
    expect(open.size).toBe(1);
    open.close();
    expect(a.closed).toBe(true);
    expect(b.closed).toBe(false);
    expect(open.size).toBe(0);
    const late = new WatchQueue();
    open.add(late);
    expect(late.closed).toBe(true);
    expect(open.size).toBe(0);
  });

  it("stopAll() stops the open watches and keeps accepting new ones", () => {
    const open = new OpenWatches<WatchQueue>();
    const a = new WatchQueue();
    open.add(a);
    open.stopAll();
    expect(a.closed).toBe(true);
    const b = new WatchQueue();
    open.add(b);
    expect(b.closed).toBe(false);
    expect([...open]).toEqual([b]);
  });

  it("a watch that removes itself while being stopped does not disturb the others", () => {
    const open = new OpenWatches<WatchQueue>();
    const watches: WatchQueue[] = [];
    for (let i = 0; i < 3; i++) {
      const watch: WatchQueue = new WatchQueue({ onClose: () => open.delete(watch) });
      watches.push(watch);
      open.add(watch);
    }
    open.close();
    expect(watches.every((watch) => watch.closed)).toBe(true);
  });
});

describe("OpenWatches state", () => {
  it("says whether it is closed", () => {
    const open = new OpenWatches();
    expect(open.closed).toBe(false);
    open.close();
    expect(open.closed).toBe(true);
  });
});
