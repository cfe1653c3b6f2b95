import type { DatastoreClient, KVPairList } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { bindConformanceSuite } from "./describe-datastore-client.js";
import { describeDatastoreClient } from "./global-describe-datastore-client.js";
import type { ConformanceHarness } from "./harness.js";

/** A runner that records what the suite registers instead of running it. */
function recordingRunner() {
  const cases: { name: string; body: () => Promise<void>; timeoutMs: number }[] = [];
  const groups: string[] = [];
  return {
    cases,
    groups,
    runner: {
      describe: (name: string, body: () => void) => {
        groups.push(name);
        body();
      },
      it: (name: string, body: () => Promise<void>, timeoutMs: number) => {
        cases.push({ name, body, timeoutMs });
      },
    },
  };
}

/** A client whose lists forget everything that was put: the suite must fail it. */
function forgetfulHarness(): ConformanceHarness {
  const empty: KVPairList = { kvPairs: [], revision: "1" };
  const client = { list: async () => empty } as unknown as DatastoreClient;
  return {
    client,
    listOptions: { kind: "pods" },
    keyOf: (name) => `/pods/${name}`,
    put: async () => {},
    delete: async () => {},
    cleanup: async () => {},
  };
}

describe("bindConformanceSuite", () => {
  it("registers one group of cases with the runner, each with the time limit", () => {
    const recorded = recordingRunner();
    bindConformanceSuite(recorded.runner)("fake", async () => forgetfulHarness(), {
      timeoutMs: 1234,
      compaction: false,
      undecodableValues: false,
    });
    expect(recorded.groups).toEqual(["DatastoreClient conformance: fake"]);
    expect(recorded.cases.length).toBe(12);
    expect(new Set(recorded.cases.map((c) => c.timeoutMs))).toEqual(new Set([1234]));
  });

  it("registers the optional groups that the options declare", () => {
    const recorded = recordingRunner();
    bindConformanceSuite(recorded.runner)("fake", async () => forgetfulHarness(), {
      bookmarks: true,
      listPageSize: 2,
    });
    // 12 always, 2 compaction, 2 parse errors, 1 bookmark, 7 listInPages (one of them compaction).
    expect(recorded.cases.length).toBe(24);
  });

  it("a case fails, with the suite's own assertion message, on a client that breaks the contract", async () => {
    const recorded = recordingRunner();
    bindConformanceSuite(recorded.runner)("fake", async () => forgetfulHarness());
    const listCase = recorded.cases.find((c) => c.name.startsWith("list at latest returns what was put"))!;
    await expect(listCase.body()).rejects.toThrow(/keys of the list/);
  });
});

describe("describeDatastoreClient from the package root (deprecated)", () => {
  it("without global describe/it, throws naming the runner entry points", () => {
    expect(() => describeDatastoreClient("fake", async () => forgetfulHarness())).toThrow(
      /@watchersyncer\/testkit\/vitest, \/node-test or \/deno/,
    );
  });
});
