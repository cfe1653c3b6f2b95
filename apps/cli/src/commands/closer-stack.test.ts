import { describe, expect, it } from "vitest";
import { CloserStack } from "./closer-stack.js";

describe("CloserStack", () => {
  it("closes newest first, awaiting each, after the body returns", async () => {
    const closed: string[] = [];
    const closers = new CloserStack();
    const result = await closers.closeAfter(async () => {
      closers.add(async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        closed.push("backend");
      });
      closers.add(() => closed.push("metrics"));
      closers.add(() => closed.push("syncer"));
      return "done";
    });
    expect(result).toBe("done");
    expect(closed).toEqual(["syncer", "metrics", "backend"]);
  });

  it("closes what was opened when the body throws, and the body's error wins", async () => {
    const closed: string[] = [];
    const closers = new CloserStack();
    const run = closers.closeAfter(async () => {
      closers.add(() => closed.push("backend"));
      throw new Error("half-way");
    });
    await expect(run).rejects.toThrow("half-way");
    expect(closed).toEqual(["backend"]);
  });

  it("a closer that throws does not keep the older ones from running; its error is rethrown", async () => {
    const closed: string[] = [];
    const closers = new CloserStack();
    closers.add(() => closed.push("backend"));
    closers.add(() => {
      throw new Error("stop failed");
    });
    closers.add(() => closed.push("live"));
    await expect(closers.closeAll()).rejects.toThrow("stop failed");
    expect(closed).toEqual(["live", "backend"]);
    await closers.closeAll();
    expect(closed).toEqual(["live", "backend"]);
  });
});
