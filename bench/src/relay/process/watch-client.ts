import { type ClientRequest, get, type IncomingMessage } from "node:http";
import { ClientView, type HeldObject, type ViewCounts } from "./client-view.js";
import { parseMarker, WRITE_MARKER } from "./relay-pod.js";
import type { WriteLatency } from "./write-latency.js";

/**
 * One plain HTTP watch client of the load generator, as a Kubernetes client behaves: list (or
 * start from a given revision), watch from the revision, resume from its last revision when the
 * stream ends, list again when told `410`. It reads lines cheaply (the write marker and the
 * revision by string search); a tracking client parses every line and keeps a {@link ClientView}.
 */

export interface ClientCounts extends ViewCounts {
  relists: number;
  resumes: number;
}

export interface ClientContext {
  base: string;
  path: string;
  latency: WriteLatency;
  counts: ClientCounts;
}

const MARKER_FIELD = `"${WRITE_MARKER}":"`;
const REVISION = /"resourceVersion":"(\d+)"/;

function open(url: string): Promise<{ request: ClientRequest; response: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false }, (response) => resolve({ request, response }));
    request.on("error", reject);
  });
}

async function readBody(response: IncomingMessage): Promise<string> {
  response.setEncoding("utf8");
  let body = "";
  for await (const chunk of response) body += chunk;
  return body;
}

/** The list's own revision: its metadata comes before the items. */
function listRevision(body: string): string {
  const head = body.slice(0, body.indexOf('"items"'));
  return (
    REVISION.exec(head)?.[1] ??
    (JSON.parse(body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion
  );
}

function heldObject(object: {
  metadata: { resourceVersion: string; annotations?: Record<string, string> };
}): HeldObject {
  return { rv: object.metadata.resourceVersion, marker: object.metadata.annotations?.[WRITE_MARKER] ?? "" };
}

type Watched = "expired" | "ended";

export class WatchClient {
  rv = "0";
  /** Whether its sightings of writes count for the latency. */
  measured = true;
  /** When its current watch was answered (ms since the epoch); 0 while it has none. */
  watchOpenedAt = 0;
  readonly view: ClientView | undefined;
  private response: IncomingMessage | undefined;
  private closed = false;
  /** Since its last watch ended: whether it has listed again (else its next watch resumes). */
  private broken = false;
  private relisted = false;
  /** Its watch was answered after a break without a list: a resume, once a line other than an error comes. */
  private resuming = false;

  constructor(
    private readonly ctx: ClientContext,
    track: boolean,
  ) {
    this.view = track ? new ClientView(ctx.counts) : undefined;
  }

  /** Runs until closed; `onOpen` is called each time a watch is answered with 200. */
  async run(listFirst: boolean, onOpen: () => void): Promise<void> {
    let needsList = listFirst;
    let failures = 0;
    while (!this.closed) {
      try {
        if (needsList) await this.list();
        needsList = (await this.watch(onOpen)) === "expired";
        failures = 0;
      } catch {
        failures++;
      }
      this.watchOpenedAt = 0;
      this.broken = true;
      if (this.closed) break;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(1000, 25 * 2 ** failures) + Math.random() * 50),
      );
    }
  }

  /**
   * A watch that asks for every object as initial events (about 2 MB) and never reads: the
   * socket's buffers fill at once and the rest, and every later event, waits at the server.
   */
  async stall(): Promise<void> {
    this.measured = false;
    const query =
      "watch=true&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan";
    const { response } = await open(`${this.ctx.base}${this.ctx.path}?${query}`);
    response.pause();
    this.response = response;
  }

  close(): void {
    this.closed = true;
    this.response?.destroy();
  }

  private async list(): Promise<void> {
    const { response } = await open(`${this.ctx.base}${this.ctx.path}`);
    const body = await readBody(response);
    if (response.statusCode !== 200) throw new Error(`list answered ${response.statusCode}`);
    if (this.view === undefined) {
      this.rv = listRevision(body);
      return;
    }
    const list = JSON.parse(body) as {
      metadata: { resourceVersion: string };
      items: Parameters<typeof heldObject>[0][];
    };
    const listed = new Map<string, HeldObject>();
    for (const item of list.items) {
      const { name, namespace } = item.metadata as unknown as { name: string; namespace: string };
      listed.set(`${namespace}/${name}`, heldObject(item));
    }
    if (this.broken) {
      this.ctx.counts.relists++;
      this.relisted = true;
    }
    this.view.replace(listed);
    this.rv = list.metadata.resourceVersion;
  }

  private async watch(onOpen: () => void): Promise<Watched> {
    const query = `watch=true&allowWatchBookmarks=true&resourceVersion=${this.rv}`;
    const { response } = await open(`${this.ctx.base}${this.ctx.path}?${query}`);
    if (response.statusCode === 410) {
      response.resume();
      return "expired";
    }
    if (response.statusCode !== 200) {
      response.resume();
      throw new Error(`watch answered ${response.statusCode}`);
    }
    this.response = response;
    this.watchOpenedAt = Date.now();
    this.resuming = this.broken && !this.relisted;
    this.broken = false;
    this.relisted = false;
    onOpen();
    return this.readLines(response);
  }

  private readLines(response: IncomingMessage): Promise<Watched> {
    return new Promise((resolve) => {
      let buffer = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        buffer += chunk;
        let start = 0;
        for (let end = buffer.indexOf("\n"); end !== -1; end = buffer.indexOf("\n", start)) {
          const line = buffer.slice(start, end);
          start = end + 1;
          if (this.onLine(line) === "expired") {
            response.destroy();
            resolve("expired");
            return;
          }
        }
        buffer = buffer.slice(start);
      });
      const ended = () => resolve("ended");
      response.on("end", ended).on("close", ended).on("error", ended);
    });
  }

  private onLine(line: string): Watched | undefined {
    const error = line.startsWith('{"type":"ERROR"');
    if (this.resuming && !error) this.ctx.counts.resumes++;
    this.resuming = false;
    if (error) return line.includes('"code":410') ? "expired" : "ended";
    if (this.view !== undefined) return this.onParsedLine(line);
    const rv = REVISION.exec(line)?.[1];
    if (rv !== undefined) this.rv = rv;
    const at = line.indexOf(MARKER_FIELD);
    if (at !== -1)
      this.sawMarker(line.slice(at + MARKER_FIELD.length, line.indexOf('"', at + MARKER_FIELD.length)));
    return undefined;
  }

  private onParsedLine(line: string): undefined {
    const event = JSON.parse(line) as { type: string; object: Parameters<typeof heldObject>[0] };
    const held = heldObject(event.object);
    this.rv = held.rv;
    if (event.type === "BOOKMARK") return undefined;
    const { name, namespace } = event.object.metadata as unknown as { name: string; namespace: string };
    this.view!.apply(event.type, `${namespace}/${name}`, held);
    this.sawMarker(held.marker);
    return undefined;
  }

  private sawMarker(marker: string): void {
    const write = parseMarker(marker);
    if (write !== undefined && this.measured) this.ctx.latency.see(write.seq, write.writtenAt);
  }
}
