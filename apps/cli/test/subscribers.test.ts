import { MemoryDatastore } from "@watchersyncer/backend-memory";
import { describe, expect, it } from "vitest";
import { DEFAULT_RATE, type WatchArgs } from "../src/args/command-line.js";
import type { Backend } from "../src/backends/backend.js";
import { BACKENDS } from "../src/backends/registry.js";
import { runWatch } from "../src/commands/watch.js";
import { DEMO_SYNCER_OPTIONS, DemoWorkload } from "../src/demo/demo-workload.js";
import { main } from "../src/main.js";
import { captureIo, lines } from "./capture.js";

const VERIFIED = /^verified: syncer view equals datastore \((\d+) keys?, revision (\d+)\)$/m;

/** The memory demo without its faults: every list and watch the datastore sees is the hub's first. */
const quiet: Backend = {
  ...BACKENDS.memory!,
  async open(context) {
    const datastore = new MemoryDatastore();
    const demo = new DemoWorkload(datastore, {
      seed: context.seed,
      rate: context.rate,
      scope: context.scope,
    });
    demo.injectFault = () => {};
    return { client: datastore, demo, syncerOptions: DEMO_SYNCER_OPTIONS, close: () => datastore.close() };
  },
};

const args: WatchArgs = {
  backend: "quiet",
  kinds: ["networkpolicies", "globalnetworkpolicies", "hostendpoints"],
  namespace: undefined,
  output: "summary",
  durationMs: 1000,
  seed: 5,
  rate: DEFAULT_RATE,
  subscribers: 8,
};

describe("watch --subscribers", () => {
  it("8 syncers on one hub cost the datastore one list and one watch per kind, and each is verified", async () => {
    const run = captureIo();
    const code = await runWatch(args, run.io, { backends: { quiet } });
    expect(code, run.stdout() + run.stderr()).toBe(0);
    expect(run.stdout()).toMatch(VERIFIED);
    expect(run.stdout()).toContain("datastore calls: 3 lists (0 failed, 0 re-lists), 3 watches (0 failed)");
    expect(lines(run.stderr())).toContain(
      "subscribers: 8 on one hub; the printed one as above, 7 of the other 7 verified against the datastore",
    );
  }, 30_000);

  it("with the demo's faults (relists, compaction, dropped watches) every subscriber still verifies", async () => {
    const run = captureIo();
    const argv = ["watch", "--duration", "2", "--output", "summary", "--seed", "3", "--subscribers", "5"];
    const code = await main(argv, run.io);
    expect(code, run.stdout() + run.stderr()).toBe(0);
    expect(run.stdout()).toMatch(VERIFIED);
    expect(Number(/^faults injected: (\d+) /m.exec(run.stdout())?.[1])).toBeGreaterThanOrEqual(3);
    // The hub passes undecodable entries on (S18): the printed subscriber reports them as the
    // syncer without a hub does (it reported none while the hub dropped them).
    const undecodable = Number(/undecodable (\d+)[,)]/.exec(run.stdout())?.[1] ?? "0");
    const parseFailures = Number(/^parse failures: (\d+)$/m.exec(run.stdout())?.[1]);
    expect(parseFailures).toBeLessThanOrEqual(undecodable);
    if (undecodable > 0) expect(parseFailures).toBeGreaterThan(0);
    expect(lines(run.stderr())).toContain(
      "subscribers: 5 on one hub; the printed one as above, 4 of the other 4 verified against the datastore",
    );
  }, 30_000);

  it("--subscribers takes an integer from 1 to 1000", async () => {
    for (const bad of ["0", "-1", "2.5", "many", "1001"]) {
      const run = captureIo();
      expect(await main(["watch", "--subscribers", bad], run.io), bad).toBe(2);
      expect(run.stderr()).toContain("--subscribers must be an integer from 1 to 1000");
    }
  });
});
