import { describe, expect, it } from "vitest";
import {
  createWatcherSyncer,
  ParseError,
  ResourceDoesNotExistError,
  ResourceExpiredError,
  type ResourceType,
  type SyncerCallbacks,
  silentLogger,
} from "../src/index.js";
import { ManualClock } from "../src/testing.js";
import { kv } from "./support/harness.js";
import { ScriptedClient } from "./support/scripted-client.js";

/**
 * One ordered log of updates, statuses and revisions: the order is what `onRevision` promises.
 * The hook only records: the syncer catches what a callback throws (S14), so an `expect` inside it
 * could never fail a test. Each test ends with `checkRecorded()` instead.
 */
function revisionSyncer(kinds: string[] = ["a", "b"], withHook = true) {
  const clock = new ManualClock(1_000_000);
  const client = new ScriptedClient(() => clock.now());
  const types: ResourceType[] = kinds.map((kind) => ({ listOptions: { kind } }));
  const log: string[] = [];
  const errors: string[] = [];
  const foreignTypes: unknown[] = [];
  const callbacks: SyncerCallbacks = {
    onStatusUpdated: (status) => log.push(`status ${status}`),
    onUpdates: (updates) => {
      for (const u of updates) log.push(`${u.type} ${u.kv.key}@${u.kv.revision}`);
    },
    onParseFailed: (rawKey) => log.push(`parse-failed ${rawKey}`),
  };
  if (withHook) {
    callbacks.onRevision = (resourceType, revision, origin) => {
      if (!types.includes(resourceType)) foreignTypes.push(resourceType);
      log.push(`revision ${resourceType?.listOptions?.kind} ${origin} ${revision}`);
    };
  }
  const logger = { ...silentLogger, error: (message: string) => errors.push(message) };
  const syncer = createWatcherSyncer(client, types, callbacks, { clock, logger, minResyncInterval: 0 });
  /** Every revision came with one of the resource types passed in, and no callback threw. */
  const checkRecorded = () => {
    expect(foreignTypes).toEqual([]);
    expect(errors).toEqual([]);
  };
  return { clock, client, log, errors, callbacks, syncer, checkRecorded, settle: () => clock.advance(0) };
}

describe("onRevision: the upstream revision, after the updates it covers", () => {
  it("reports a list's revision after its updates and before InSync, then each event's and bookmark's", async () => {
    const h = revisionSyncer();
    h.syncer.start();
    (await h.client.nextList("a")).respond([kv("/a/1", "3")], "10");
    const wa = (await h.client.nextWatch("a")).open();
    (await h.client.nextList("b")).respond([], "11");
    const wb = (await h.client.nextWatch("b")).open();
    await h.settle();
    wa.emit({ type: "added", new: kv("/a/2", "12") }, { type: "bookmark", revision: "13" });
    await h.settle();
    wb.emit({ type: "deleted", old: kv("/b/9", "14") });
    await h.settle();
    wa.emit({ type: "modified", new: kv("/a/1", "15") });
    await h.settle();
    expect(h.log).toEqual([
      "status wait-for-datastore",
      "status resync-in-progress",
      "new /a/1@3",
      "revision a list 10",
      "revision b list 11",
      "status in-sync",
      "new /a/2@12",
      "revision a watch 12",
      "revision a watch 13",
      // A delete of a key the syncer does not hold gives no update, but the revision moved.
      "revision b watch 14",
      "updated /a/1@15",
      "revision a watch 15",
    ]);
    h.checkRecorded();
    await h.syncer.stop();
  });

  it("a relist reports its deletes of vanished keys before its revision", async () => {
    const h = revisionSyncer(["a"]);
    h.syncer.start();
    (await h.client.nextList("a")).respond([kv("/a/1", "3"), kv("/a/2", "4")], "10");
    const w = (await h.client.nextWatch("a")).open();
    await h.settle();
    w.emit({ type: "error", error: new ResourceExpiredError("gone") });
    await h.settle();
    (await h.client.nextList("a")).respond([kv("/a/1", "3")], "20");
    await h.client.nextWatch("a");
    await h.settle();
    expect(h.log.slice(-2)).toEqual(["deleted /a/2@4", "revision a list 20"]);
    h.checkRecorded();
    await h.syncer.stop();
  });

  it("a parse-error event with a revision moves it; one without does not report", async () => {
    const h = revisionSyncer(["a"]);
    h.syncer.start();
    (await h.client.nextList("a")).respond([kv("/a/1", "3")], "10");
    const w = (await h.client.nextWatch("a")).open();
    await h.settle();
    const start = h.log.length;
    w.emit(
      { type: "parse-error", error: new ParseError("/a/1", "{"), revision: "11" },
      { type: "parse-error", error: new ParseError("/a/2", "{") },
    );
    await h.settle();
    expect(h.log.slice(start)).toEqual([
      "deleted /a/1@11",
      "parse-failed /a/1",
      "revision a watch 11",
      "parse-failed /a/2",
    ]);
    h.checkRecorded();
    await h.syncer.stop();
  });

  it("a resource type that is not installed reports an empty list revision", async () => {
    const h = revisionSyncer(["a"]);
    h.syncer.start();
    (await h.client.nextList("a")).reject(new ResourceDoesNotExistError("no CRD"));
    await h.settle();
    expect(h.log).toContain("revision a list ");
    h.checkRecorded();
    await h.syncer.stop();
  });

  it("S14: a throwing onRevision is logged by name, and delivery goes on", async () => {
    const h = revisionSyncer(["a"]);
    h.callbacks.onRevision = () => {
      throw new Error("revision consumer bug");
    };
    h.syncer.start();
    (await h.client.nextList("a")).respond([kv("/a/1", "3")], "10");
    const w = (await h.client.nextWatch("a")).open();
    await h.settle();
    w.emit({ type: "added", new: kv("/a/2", "11") });
    await h.settle();
    expect(h.log).toEqual([
      "status wait-for-datastore",
      "status resync-in-progress",
      "new /a/1@3",
      "status in-sync",
      "new /a/2@11",
    ]);
    expect(h.errors).toEqual(["onRevision threw; continuing", "onRevision threw; continuing"]);
    await h.syncer.stop();
  });

  it("without the hook nothing extra is queued or delivered", async () => {
    const h = revisionSyncer(["a"], false);
    h.syncer.start();
    (await h.client.nextList("a")).respond([kv("/a/1", "3")], "10");
    const w = (await h.client.nextWatch("a")).open();
    w.emit({ type: "bookmark", revision: "11" });
    await h.settle();
    expect(h.log).toEqual([
      "status wait-for-datastore",
      "status resync-in-progress",
      "new /a/1@3",
      "status in-sync",
    ]);
    h.checkRecorded();
    await h.syncer.stop();
  });
});
