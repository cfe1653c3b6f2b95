/**
 * Where a watch body can go without a `ReadableStream` in between: a server adapter that can write
 * to its socket synchronously (Node's `ServerResponse`) attaches one, and every line a client is
 * sent is handed to it in the same call that sends it — no per-client promise, pull or read.
 */
export interface BodySink {
  /** Takes `chunk`; false when the client is not keeping up: hold further chunks until resumed. */
  write(chunk: Uint8Array): boolean;
  /** Everything was written: end the response. */
  end(): void;
  /** The client is cut off: drop the connection. */
  abort(reason: Error): void;
}

/** A response body that can be written straight to a {@link BodySink} instead of being read. */
export interface DirectBody {
  /** Writes the body to `sink` from now on; false when the body is already being read as a stream. */
  attach(sink: BodySink): boolean;
  /** The sink can take chunks again (after a `write` returned false). */
  resume(): void;
  /** The client went away. */
  cancel(): void;
}

const directBodies = new WeakMap<ReadableStream<Uint8Array>, DirectBody>();

/** Registers `direct` as the way to write `stream` (a relay watch response's body). */
export function registerDirectBody(stream: ReadableStream<Uint8Array>, direct: DirectBody): void {
  directBodies.set(stream, direct);
}

/** The direct way to write a response body, if the relay made it (a watch); else undefined. */
export function directBodyOf(stream: ReadableStream<Uint8Array>): DirectBody | undefined {
  return directBodies.get(stream);
}
