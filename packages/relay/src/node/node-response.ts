import type { ServerResponse } from "node:http";
import { type BodySink, directBodyOf } from "../body-sink.js";

/** A relay watch body written straight to `res`: each line in the call that sends it. */
function sinkOf(res: ServerResponse): BodySink {
  return {
    write: (chunk) => {
      const writable = res.write(chunk);
      // node:http corks the socket on a write and uncorks it on the next tick, so an event sent
      // to 500 clients would reach the first socket only after all 500 writes were queued. The
      // chunk (with its framing) is complete: let it go now.
      res.socket?.uncork();
      return writable;
    },
    end: () => res.end(),
    abort: () => res.destroy(),
  };
}

/** Any other stream, read chunk by chunk; a client that does not keep up is waited for. */
async function pipeBody(body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  const reader = body.getReader();
  res.on("close", () => void reader.cancel().catch(() => {}));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await drained(res);
    }
    res.end();
  } catch {
    res.destroy();
  }
}

/** Resolves on the next "drain" or "close", whichever comes first, leaving no listener behind. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done).off("close", done);
      resolve();
    };
    res.on("drain", done).on("close", done);
  });
}

/**
 * Writes a fetch Response to node:http: status, headers (sent at once, so a watch client sees
 * its watch open), then the body. A relay watch body is written without a stream in between;
 * a slow reader stays slow here either way (the relay bounds what it queues for it).
 */
export async function writeNodeResponse(response: Response, res: ServerResponse): Promise<void> {
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  res.writeHead(response.status);
  res.flushHeaders();
  const body = response.body;
  if (body === null) return void res.end();
  const direct = directBodyOf(body);
  if (direct?.attach(sinkOf(res))) {
    res.on("drain", () => direct.resume());
    res.on("close", () => direct.cancel());
    return;
  }
  await pipeBody(body, res);
}
