import { describe, expect, it } from "vitest";
import { FifoQueue } from "./fifo-queue.js";

describe("FifoQueue", () => {
  it("keeps order across repacking", () => {
    const queue = new FifoQueue<number>();
    const out: number[] = [];
    for (let i = 0; i < 5000; i++) {
      queue.push(i);
      if (i % 3 === 0) out.push(queue.shift()!);
    }
    while (queue.length > 0) out.push(queue.shift()!);
    expect(out).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(queue.shift()).toBeUndefined();
  });

  it("drops from the front and indexes from the head", () => {
    const queue = new FifoQueue<string>();
    for (const item of ["a", "b", "c", "d"]) queue.push(item);
    queue.dropFront(2);
    expect(queue.length).toBe(2);
    expect(queue.at(0)).toBe("c");
    expect(queue.at(1)).toBe("d");
    expect(queue.at(2)).toBeUndefined();
    queue.dropFront(10);
    expect(queue.length).toBe(0);
  });

  // What the queue holds on to is its promise too (a long-lived watch must not keep consumed
  // events alive, nor copy its array on every shift), so these look at the backing array.
  const backing = (queue: FifoQueue<number>) => (queue as unknown as { items: unknown[] }).items;
  const filled = (count: number) => {
    const queue = new FifoQueue<number>();
    for (let i = 0; i < count; i++) queue.push(i);
    return queue;
  };
  const shiftN = (queue: FifoQueue<number>, count: number) => {
    for (let i = 0; i < count; i++) queue.shift();
  };

  it("lets go of the array once everything is consumed", () => {
    const queue = filled(3);
    shiftN(queue, 3);
    expect(backing(queue)).toHaveLength(0);
  });

  it("repacks once the consumed part is 1024 items or more and at least half the array", () => {
    const half = filled(2048);
    shiftN(half, 1024);
    expect(backing(half)).toHaveLength(1024);
    expect(half.at(0)).toBe(1024);
  });

  it("does not repack while the consumed part is small or less than half (shift stays O(1))", () => {
    const small = filled(10);
    shiftN(small, 6);
    expect(backing(small)).toHaveLength(10);
    const lessThanHalf = filled(4000);
    shiftN(lessThanHalf, 1024);
    expect(backing(lessThanHalf)).toHaveLength(4000);
    const justBelow = filled(2046);
    shiftN(justBelow, 1023);
    expect(backing(justBelow)).toHaveLength(2046);
  });

  it("dropFront clears the slots it drops", () => {
    const queue = filled(5);
    queue.dropFront(2);
    expect(backing(queue).slice(0, 2)).toEqual([undefined, undefined]);
    expect(queue.at(0)).toBe(2);
  });
});
