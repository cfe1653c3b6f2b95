import type { DatastoreClient, Watch, WatchEvent, WatchOptions } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { DeafWatchClient } from "./deaf-watch-client.js";

/** A watch that yields what the test pushes and ends when stopped or when its signal aborts. */
function scriptedWatch(signal: AbortSignal) {
  const queued: WatchEvent[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  const end = () => {
    ended = true;
    wake?.();
  };
  signal.addEventListener("abort", end);
  const watch: Watch = {
    stop: end,
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const event = queued.shift();
        if (event !== undefined) yield event;
        else if (ended) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
  return {
    watch,
    push(event: WatchEvent) {
      queued.push(event);
      wake?.();
    },
    get ended() {
      return ended;
    },
  };
}

function fakeClient() {
  const opened: { signal: AbortSignal; options: WatchOptions; script: ReturnType<typeof scriptedWatch> }[] =
    [];
  const client: DatastoreClient = {
    list: async () => ({ kvPairs: [], revision: "1" }),
    watch: async (_options, watchOptions, signal) => {
      const script = scriptedWatch(signal);
      opened.push({ signal, options: watchOptions, script });
      return script.watch;
    },
  };
  return { client, opened };
}

const bookmark = (revision: string): WatchEvent => ({ type: "bookmark", revision });

describe("DeafWatchClient", () => {
  it("opens watches without bookmarks, on its own signal, and ignores stop() and return()", async () => {
    const { client, opened } = fakeClient();
    const deaf = new DeafWatchClient(client);
    const callerSignal = new AbortController();
    const watch = await deaf.watch(
      { kind: "x" },
      { revision: "1", allowWatchBookmarks: true },
      callerSignal.signal,
    );
    const real = opened[0]!;
    expect(real.options.allowWatchBookmarks).toBe(false);
    expect(real.signal).not.toBe(callerSignal.signal);
    callerSignal.abort();
    watch.stop();
    expect(deaf.stopsIgnored).toBe(1);
    expect(real.script.ended).toBe(false);

    const iterator = watch[Symbol.asyncIterator]();
    const pending = iterator.next();
    await expect(iterator.return?.()).resolves.toEqual({ done: true, value: undefined });
    real.script.push(bookmark("2"));
    await expect(pending).resolves.toEqual({ done: false, value: bookmark("2") });
    expect(deaf.eventsYielded).toBe(1);
    expect(deaf.watchesOpened).toBe(1);
  });

  it("release() ends the real watches and a read still waiting on them", async () => {
    const { client, opened } = fakeClient();
    const deaf = new DeafWatchClient(client);
    const watch = await deaf.watch(
      { kind: "x" },
      { revision: "1", allowWatchBookmarks: false },
      new AbortController().signal,
    );
    const pending = watch[Symbol.asyncIterator]().next();
    deaf.release();
    expect(opened[0]!.signal.aborted).toBe(true);
    expect(opened[0]!.script.ended).toBe(true);
    await expect(pending).resolves.toMatchObject({ done: true });
  });

  it("passes listInPages and checkListOptions through only when the client has them", () => {
    const { client } = fakeClient();
    expect(new DeafWatchClient(client).listInPages).toBeUndefined();
    expect(new DeafWatchClient(client).checkListOptions).toBeUndefined();
    const pages = { ...client, listInPages: async () => ({ revision: "1" }), checkListOptions: () => {} };
    const wrapped = new DeafWatchClient(pages);
    expect(wrapped.listInPages).toBeTypeOf("function");
    expect(wrapped.checkListOptions).toBeTypeOf("function");
  });
});
