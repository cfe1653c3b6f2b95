import { describe, expect, it } from "vitest";
import {
  ConnectionRefusedError,
  DatastoreError,
  type Observation,
  OperationNotSupportedError,
  ResourceDoesNotExistError,
  ResourceExpiredError,
} from "../src/index.js";
import { harness, kv } from "./support/harness.js";

/** Signs that a failed `watch()` left something behind that the syncer then read or stopped as a watch. */
function leftovers(h: ReturnType<typeof harness>): string[] {
  const logged = h.logs
    .filter((l) => l.message === "watch.stop() threw" || l.message.startsWith("unknown watch event"))
    .map((l) => l.message);
  const observed = h.observations
    .filter((o) => o.type === "watch-ended" || o.type === "event")
    .map((o) => o.type);
  return [...logged, ...observed];
}

const causes = (observations: Observation[]) =>
  observations.flatMap((o) => (o.type === "resync" ? [o.cause] : []));

describe("a failed watch() leaves no watch behind (S11)", () => {
  it("S11: ResourceExpiredError: relists from '' with cause expired", async () => {
    const h = harness({ observe: true });
    h.syncer.start();
    (await h.client.nextList()).respond([kv("/a/1", "1")], "10");
    (await h.client.nextWatch()).reject(new ResourceExpiredError("too old"));
    await h.clock.advance(500);
    expect((await h.client.nextList()).revision).toBe("");
    expect(causes(h.observations)).toEqual(["initial", "expired"]);
    expect(leftovers(h)).toEqual([]);
    await h.syncer.stop();
  });

  for (const error of [new OperationNotSupportedError("no watch"), new ResourceDoesNotExistError("no CRD")]) {
    it(`S11: ${error.name}: polls with cause polling`, async () => {
      const h = harness({ observe: true, options: { watchPollInterval: 5000 } });
      h.syncer.start();
      (await h.client.nextList()).respond([], "10");
      (await h.client.nextWatch()).reject(error);
      await h.clock.advance(5000);
      expect((await h.client.nextList()).revision).toBe("");
      expect(causes(h.observations)).toEqual(["initial", "polling"]);
      expect(leftovers(h)).toEqual([]);
      await h.syncer.stop();
    });
  }

  it("S11: ConnectionRefusedError: the next attempt is a watch at the same revision", async () => {
    const h = harness({ observe: true });
    h.syncer.start();
    (await h.client.nextList()).respond([], "10");
    (await h.client.nextWatch()).reject(new ConnectionRefusedError("refused"));
    await h.clock.advance(500);
    expect((await h.client.nextWatch()).revision).toBe("10");
    expect(leftovers(h)).toEqual([]);
    await h.syncer.stop();
  });

  it("S9+S11: other errors retry the watch, past the limit relist with cause too-many-errors", async () => {
    const h = harness({ observe: true, options: { maxErrorsPerRevision: 1 } });
    h.syncer.start();
    (await h.client.nextList()).respond([], "10");
    (await h.client.nextWatch()).reject(new DatastoreError("flaky"));
    await h.clock.advance(500);
    (await h.client.nextWatch()).reject(new DatastoreError("flaky again"));
    await h.clock.advance(500);
    expect((await h.client.nextList()).revision).toBe("");
    expect(causes(h.observations)).toEqual(["initial", "too-many-errors"]);
    expect(leftovers(h)).toEqual([]);
    await h.syncer.stop();
  });
});

describe("why a resync happens, how a watch ended, what a list counted (S6, S9, S10)", () => {
  it("S10: the list after a not-installed answer has cause not-installed", async () => {
    const h = harness({ observe: true, options: { watchPollInterval: 5000 } });
    h.syncer.start();
    (await h.client.nextList()).reject(new ResourceDoesNotExistError("no CRD"));
    await h.clock.advance(5000);
    await h.client.nextList();
    expect(causes(h.observations)).toEqual(["initial", "not-installed"]);
    await h.syncer.stop();
  });

  it("S9: an iterator that throws ends the watch with reason error and the error's name", async () => {
    const h = harness({ observe: true });
    const w = (await h.startInSync()).get("a")!;
    w.throwError(new ConnectionRefusedError("reset"));
    await h.settle();
    const ended = h.observations.filter((o) => o.type === "watch-ended");
    expect(ended).toMatchObject([{ reason: "error", errorName: "ConnectionRefusedError" }]);
    await h.syncer.stop();
  });

  it("S6: the items of a list in parts are counted over every part", async () => {
    const h = harness({ observe: true, paged: true });
    h.syncer.start();
    const list = await h.client.nextList();
    list.page([kv("/a/1", "1"), kv("/a/2", "1")]);
    list.page([kv("/a/3", "1")]);
    list.respond([], "5");
    await h.client.nextWatch();
    expect(h.observations.find((o) => o.type === "list-finished")).toMatchObject({ items: 3 });
    await h.syncer.stop();
  });
});
