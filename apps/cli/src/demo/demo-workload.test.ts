import { MemoryDatastore } from "@watchersyncer/backend-memory";
import { ManualClock } from "@watchersyncer/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_KINDS, DemoWorkload, FAULT_KINDS } from "./demo-workload.js";

const ALL = DEMO_KINDS.map((kind) => ({ kind: kind.name }));
const opened: MemoryDatastore[] = [];

function demoOn(options: { seed: number; rate?: number; scope?: { kind: string; namespace?: string }[] }) {
  const datastore = new MemoryDatastore();
  opened.push(datastore);
  const clock = new ManualClock();
  const demo = new DemoWorkload(datastore, { rate: 50, scope: ALL, ...options, clock });
  return { datastore, demo, clock };
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((datastore) => datastore.close()));
});

describe("DemoWorkload", () => {
  it("seeds 200 keys over every kind and namespace", () => {
    const { datastore, demo } = demoOn({ seed: 1 });
    expect(datastore.snapshot().size).toBe(200);
    expect(datastore.revision).toBe("200");
    for (const namespace of ["ns1", "ns2", "ns3"]) {
      expect(datastore.snapshot({ kind: "networkpolicies", namespace }).size).toBeGreaterThan(30);
    }
    expect(datastore.snapshot({ kind: "globalnetworkpolicies" }).size).toBeGreaterThan(30);
    expect(datastore.snapshot({ kind: "hostendpoints" }).size).toBeGreaterThan(30);
    expect(demo.expectedView()).toEqual(datastore.snapshot());
  });

  it("replays the same writes from the same seed, and different ones from another", () => {
    const runs = [7, 7, 8].map((seed) => {
      const { datastore, demo } = demoOn({ seed });
      demo.runOperations(400);
      return { snapshot: datastore.snapshot(), stats: demo.stats, undecodable: [...demo.undecodableKeys] };
    });
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]!.snapshot).not.toEqual(runs[0]!.snapshot);
  });

  it("creates, updates and deletes, and injects every kind of fault within a few seconds' worth of writes", () => {
    const { demo } = demoOn({ seed: 3 });
    demo.runOperations(200); // four seconds at the default rate
    expect(demo.stats.created).toBeGreaterThan(0);
    expect(demo.stats.updated).toBeGreaterThan(0);
    expect(demo.stats.deleted).toBeGreaterThan(0);
    for (const kind of FAULT_KINDS) expect(demo.stats.faults[kind], kind).toBeGreaterThan(0);
  });

  it("aims writes and faults at the scope only", () => {
    const scope = [{ kind: "networkpolicies", namespace: "ns2" }];
    const { datastore, demo } = demoOn({ seed: 4, scope });
    const outside = () => {
      const everything = datastore.snapshot();
      for (const key of datastore.snapshot(scope[0]).keys()) everything.delete(key);
      return everything;
    };
    const before = outside();
    demo.runOperations(300);
    expect(outside()).toEqual(before);
    for (const key of demo.undecodableKeys) expect(key.startsWith("/networkpolicies/ns2/")).toBe(true);
    expect(demo.expectedView()).toEqual(datastore.snapshot(scope[0]));
  });

  it("leaves undecodable keys out of the expected view until they are written again", () => {
    const { datastore, demo } = demoOn({ seed: 5, scope: [{ kind: "hostendpoints" }] });
    demo.injectFault("undecodable");
    const [victim] = [...demo.undecodableKeys];
    expect(victim).toBeDefined();
    expect(datastore.get(victim!)).toBeUndefined();
    expect(demo.expectedView().has(victim!)).toBe(false);
    expect(demo.expectedView()).toEqual(datastore.snapshot({ kind: "hostendpoints" }));
  });

  it("writes at the configured rate on its clock, and stops writing when stopped", async () => {
    const { datastore, demo, clock } = demoOn({ seed: 6, rate: 100 });
    demo.start();
    expect(demo.running).toBe(true);
    await clock.advance(1000);
    const { created, updated, deleted } = demo.stats;
    const writes = created + updated + deleted;
    expect(writes).toBeGreaterThanOrEqual(95);
    expect(writes).toBeLessThanOrEqual(100);
    demo.stop();
    expect(demo.running).toBe(false);
    const revision = datastore.revision;
    await clock.advance(1000);
    expect(datastore.revision).toBe(revision);
    expect(clock.pendingTimers).toBe(0);
  });
  it("faultsPerSecond spaces the faults: at 1 a second, 10 seconds of writes see about 10", () => {
    const datastore = new MemoryDatastore();
    opened.push(datastore);
    const demo = new DemoWorkload(datastore, {
      seed: 5,
      rate: 1000,
      scope: ALL,
      faultsPerSecond: 1,
      clock: new ManualClock(),
    });
    demo.runOperations(10_000);
    expect(demo.faultsInjected).toBeGreaterThanOrEqual(7);
    expect(demo.faultsInjected).toBeLessThanOrEqual(15);
    expect(() => new DemoWorkload(datastore, { seed: 5, rate: 10, scope: ALL, faultsPerSecond: 0 })).toThrow(
      RangeError,
    );
  });

  it("writes each undecodable value distinct, so (key, raw value) names one write", () => {
    class RecordingDatastore extends MemoryDatastore {
      readonly rawValues: string[] = [];
      override putUndecodable(key: string, rawValue: string) {
        this.rawValues.push(rawValue);
        return super.putUndecodable(key, rawValue);
      }
    }
    const datastore = new RecordingDatastore();
    opened.push(datastore);
    const demo = new DemoWorkload(datastore, { seed: 3, rate: 50, scope: ALL, clock: new ManualClock() });
    for (let i = 0; i < 20; i++) demo.injectFault("undecodable");
    expect(datastore.rawValues).toHaveLength(20);
    expect(new Set(datastore.rawValues).size).toBe(20);
  });
});
