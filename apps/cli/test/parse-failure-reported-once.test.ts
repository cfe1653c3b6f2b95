import { MemoryDatastore } from "@watchersyncer/backend-memory";
import { ResourceExpiredError } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { DEFAULT_RATE, type WatchArgs } from "../src/args/command-line.js";
import type { Backend } from "../src/backends/backend.js";
import { runWatch } from "../src/commands/watch.js";
import { captureIo } from "./capture.js";

/**
 * A datastore that is not the demo (so nothing knows its writes) holding one undecodable value,
 * whose watches keep expiring: every expiry makes the syncer list again and meet the same
 * undecodable value again.
 */
function relistingBackend(lists: { count: number }): Backend {
  return {
    description: "memory datastore whose watches expire",
    defaultKinds: ["hostendpoints"],
    flags: [],
    async open() {
      const datastore = new MemoryDatastore();
      datastore.put("/hostendpoints/good", { spec: {} });
      datastore.putUndecodable("/hostendpoints/bad", "{not json");
      const list = datastore.list.bind(datastore);
      datastore.list = (...args) => {
        lists.count++;
        return list(...args);
      };
      const timer = setInterval(() => {
        datastore.faults.failNextWatch(new ResourceExpiredError("expired for the test"));
        datastore.faults.dropWatches();
      }, 100);
      return {
        client: datastore,
        close: () => {
          clearInterval(timer);
          return datastore.close();
        },
      };
    },
  };
}

function args(): WatchArgs {
  return {
    backend: "relisting",
    kinds: ["hostendpoints"],
    namespace: undefined,
    output: "pretty",
    durationMs: 2500,
    seed: 1,
    rate: DEFAULT_RATE,
    logLevel: "error",
    logFormat: "text",
  };
}

describe("an undecodable value met again by every re-list", () => {
  it("is reported once on stderr, for a backend that is not the demo", async () => {
    const lists = { count: 0 };
    const captured = captureIo();
    const code = await runWatch(args(), captured.io, { backends: { relisting: relistingBackend(lists) } });
    expect(code).toBe(0);
    expect(lists.count).toBeGreaterThanOrEqual(3);
    const reports = captured
      .stderr()
      .split("\n")
      .filter((line) => line.includes("cannot parse the stored value of /hostendpoints/bad"));
    expect(reports).toHaveLength(1);
  });
});
