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
});
