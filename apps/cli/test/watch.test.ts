import { MemoryDatastore } from "@watchersyncer/backend-memory";
import type { DatastoreClient, Watch, WatchEvent } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { DEFAULT_RATE, type WatchArgs } from "../src/args/command-line.js";
import type { Backend } from "../src/backends/backend.js";
import { BACKENDS } from "../src/backends/registry.js";
import { runWatch } from "../src/commands/watch.js";
import { DEMO_SYNCER_OPTIONS, DemoWorkload } from "../src/demo/demo-workload.js";
import { captureIo, lines } from "./capture.js";

/** A client that loses every delete a watch reports: the syncer's view keeps keys that are gone. */
function losingDeletes(inner: MemoryDatastore): DatastoreClient {
  return {
    list: (options, revision, signal) => inner.list(options, revision, signal),
    async watch(options, watchOptions, signal) {
      const watch = await inner.watch(options, watchOptions, signal);
      const filtered: Watch = {
        stop: () => watch.stop(),
        async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
          for await (const event of watch) if (event.type !== "deleted") yield event;
        },
      };
      return filtered;
    },
  };
}

const lossy: Backend = {
  ...BACKENDS.memory!,
  async open(context) {
    const datastore = new MemoryDatastore();
    // No faults: a re-list would repair the view and hide the loss.
    const demo = new DemoWorkload(datastore, {
      seed: context.seed,
      rate: context.rate,
      scope: context.scope,
    });
    demo.injectFault = () => {};
    return {
      client: losingDeletes(datastore),
      demo,
      syncerOptions: DEMO_SYNCER_OPTIONS,
      close: () => datastore.close(),
    };
  },
};

const args: WatchArgs = {
  backend: "lossy",
  kinds: ["hostendpoints"],
  namespace: undefined,
  output: "pretty",
  durationMs: 1000,
  seed: 11,
  rate: DEFAULT_RATE,
};

describe("runWatch verification", () => {
  it("a view that differs from the datastore exits 1 and lists the differences", async () => {
    const run = captureIo();
    const code = await runWatch(args, run.io, { backends: { lossy }, catchUpTimeoutMs: { duration: 1000 } });
    expect(code).toBe(1);
    const out = lines(run.stdout());
    const verdict = out.find((line) => line.startsWith("NOT verified"));
    expect(verdict, run.stdout()).toMatch(
      /^NOT verified: syncer view differs from datastore at revision \d+: 0 missing, [1-9]\d* extra, 0 stale$/,
    );
    expect(out).toContainEqual(expect.stringMatching(/^ {2}extra {3}\/hostendpoints\/hep-\d+ @\d+$/));
    expect(out).not.toContainEqual(expect.stringMatching(/^verified/));
  });
});
