import { ConnectionRefusedError } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { ReadinessGate } from "./readiness-gate.js";

/** An abort signal that knows how many "abort" listeners it holds. */
function countedSignal() {
  const controller = new AbortController();
  const signal = controller.signal;
  const listeners = new Set<unknown>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) => {
    if (type === "abort") listeners.add(listener);
    add(type, listener, options);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, listener: EventListener) => {
    if (type === "abort") listeners.delete(listener);
    remove(type, listener);
  }) as typeof signal.removeEventListener;
  return { controller, signal, listeners: () => listeners.size };
}

const waiters = (gate: ReadinessGate) => (gate as unknown as { waiters: unknown[] }).waiters.length;

async function settled(promise: Promise<unknown>): Promise<string> {
  const outcome = promise.then(
    () => "resolved",
    (error: unknown) =>
      `rejected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  );
  return Promise.race([outcome, new Promise<string>((resolve) => setTimeout(() => resolve("pending"), 5))]);
}

describe("ReadinessGate", () => {
  it("starts closed; wait() resolves every waiter when it opens, and at once while open", async () => {
    const gate = new ReadinessGate();
    expect(gate.open).toBe(false);
    const first = gate.wait();
    const { signal, listeners } = countedSignal();
    const second = gate.wait(signal);
    expect(await settled(first)).toBe("pending");
    expect(listeners()).toBe(1);
    gate.openGate();
    expect(gate.open).toBe(true);
    expect(await settled(first)).toBe("resolved");
    expect(await settled(second)).toBe("resolved");
    expect(listeners()).toBe(0);
    expect(waiters(gate)).toBe(0);
    expect(await settled(gate.wait())).toBe("resolved");
    gate.closeGate();
    expect(gate.open).toBe(false);
    expect(await settled(gate.wait())).toBe("pending");
  });

  it("an abort rejects with the signal's reason and forgets the waiter; an aborted signal is refused at once", async () => {
    const gate = new ReadinessGate();
    const { controller, signal } = countedSignal();
    const waiting = gate.wait(signal);
    const other = gate.wait();
    controller.abort(new Error("given up"));
    expect(await settled(waiting)).toBe("rejected Error: given up");
    expect(waiters(gate)).toBe(1);
    gate.openGate();
    expect(await settled(other)).toBe("resolved");
    // Refused even while open: the caller gave up.
    expect(await settled(gate.wait(signal))).toBe("rejected Error: given up");
  });

  it("shutdown refuses every waiter, now and later, and stays closed", async () => {
    const gate = new ReadinessGate();
    gate.openGate();
    gate.closeGate();
    const { signal, listeners } = countedSignal();
    const waiting = gate.wait(signal);
    gate.openGate();
    await waiting;
    gate.closeGate();
    const refused = gate.wait(signal);
    const refusedWithoutSignal = gate.wait();
    gate.shutdown();
    const message = "rejected ConnectionRefusedError: the syncer hub is closed";
    expect(await settled(refused)).toBe(message);
    expect(await settled(refusedWithoutSignal)).toBe(message);
    expect(listeners()).toBe(0);
    expect(gate.open).toBe(false);
    expect(await settled(gate.wait())).toBe(message);
    const aborted = new AbortController();
    aborted.abort(new Error("given up"));
    expect(await settled(gate.wait(aborted.signal))).toBe(message);
    await expect(gate.wait()).rejects.toBeInstanceOf(ConnectionRefusedError);
    // For good: opening it again later changes nothing.
    gate.openGate();
    expect(await settled(gate.wait())).toBe(message);
  });

  it("shutdown while open closes it", () => {
    const gate = new ReadinessGate();
    gate.openGate();
    gate.shutdown();
    expect(gate.open).toBe(false);
  });
});
