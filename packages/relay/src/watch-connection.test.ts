import { ManualClock } from "@watchersyncer/core/testing";
import { describe, expect, it } from "vitest";
import type { BodySink } from "./body-sink.js";
import { directBodyOf } from "./body-sink.js";
import { WatchConnection } from "./watch-connection.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (chunk: Uint8Array) => new TextDecoder().decode(chunk);

/** A sink that records what it is given and takes chunks while `ready` says so. */
interface RecordingSink extends BodySink {
  chunks: string[];
  ready: boolean;
  ended: boolean;
  aborted: Error | undefined;
}

function recordingSink(): RecordingSink {
  const sink: RecordingSink = {
    chunks: [] as string[],
    ready: true,
    ended: false,
    aborted: undefined as Error | undefined,
    write(chunk: Uint8Array) {
      sink.chunks.push(text(chunk));
      return sink.ready;
    },
    end() {
      sink.ended = true;
    },
    abort(reason: Error) {
      sink.aborted = reason;
    },
  };
  return sink;
}

function connection(clock = new ManualClock(), overrides: { maxQueuedBytes?: number } = {}) {
  const closed = { count: 0 };
  const watch = new WatchConnection({
    maxQueuedBytes: overrides.maxQueuedBytes ?? 1024,
    maxLagMs: 1000,
    graceMs: 500,
    clock,
    onOverflow: ({ queuedBytes }) => bytes(`behind ${queuedBytes}\n`),
    onClose: () => closed.count++,
  });
  return { watch, closed, clock };
}

describe("a watch connection written to a sink", () => {
  it("hands each line to the sink in the call that sends it, after what was queued before it was attached", () => {
    const { watch } = connection();
    watch.send(bytes("a\n"));
    watch.send(bytes("b\n"));
    const sink = recordingSink();
    expect(directBodyOf(watch.body)?.attach(sink)).toBe(true);
    expect(sink.chunks).toEqual(["a\nb\n"]);
    watch.send(bytes("c\n"));
    expect(sink.chunks).toEqual(["a\nb\n", "c\n"]);
    expect(watch.backlog).toBe(0);
  });

  it("queues while the sink says the client is behind, and hands the queue over as one chunk on resume", () => {
    const { watch } = connection();
    const sink = recordingSink();
    watch.attach(sink);
    sink.ready = false;
    watch.send(bytes("a\n"));
    watch.send(bytes("b\n"));
    watch.send(bytes("c\n"));
    expect(sink.chunks).toEqual(["a\n"]);
    expect(watch.backlog).toBe(4);
    sink.ready = true;
    watch.resume();
    expect(sink.chunks).toEqual(["a\n", "b\nc\n"]);
    expect(watch.backlog).toBe(0);
  });

  it("ends the sink once the last line is handed over, and closes once", () => {
    const { watch, closed } = connection();
    const sink = recordingSink();
    watch.attach(sink);
    sink.ready = false;
    watch.send(bytes("a\n"));
    watch.send(bytes("b\n"));
    watch.end(bytes("last\n"));
    expect(sink.ended).toBe(false);
    sink.ready = true;
    watch.resume();
    expect(sink.chunks).toEqual(["a\n", "b\nlast\n"]);
    expect(sink.ended).toBe(true);
    expect(closed.count).toBe(1);
    watch.send(bytes("after\n"));
    expect(sink.chunks).toHaveLength(2);
  });

  it("closes a client that stays behind with its Status, and cuts it off when it does not take even that", async () => {
    const { watch, closed, clock } = connection(new ManualClock(), { maxQueuedBytes: 8 });
    const sink = recordingSink();
    watch.attach(sink);
    sink.ready = false;
    watch.send(bytes("0123456789\n"));
    watch.send(bytes("0123456789\n"));
    watch.send(bytes("0123456789\n"));
    expect(sink.chunks).toEqual(["0123456789\n"]);
    expect(watch.isClosed).toBe(true);
    expect(watch.backlog).toBe("behind 11\n".length);
    await clock.advance(500);
    expect(sink.aborted?.message).toMatch(/too slow/);
    expect(sink.ended).toBe(false);
    expect(closed.count).toBe(1);
  });

  it("is not attached once its body is read as a stream", () => {
    const { watch } = connection();
    watch.body.getReader();
    expect(watch.attach(recordingSink())).toBe(false);
  });

  it("closes when the client goes away", () => {
    const { watch, closed } = connection();
    const sink = recordingSink();
    watch.attach(sink);
    watch.cancel();
    watch.send(bytes("a\n"));
    expect(sink.chunks).toEqual([]);
    expect(closed.count).toBe(1);
    expect(watch.isClosed).toBe(true);
  });
});
