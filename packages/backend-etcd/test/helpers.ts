import { connect, createServer, type Server, type Socket } from "node:net";
import type { KVPairList, LogFields, Logger, Watch, WatchEvent } from "@watchersyncer/core";
import { eventually } from "@watchersyncer/testkit";
import etcd3 from "etcd3";

export type Etcd3 = InstanceType<typeof etcd3.Etcd3>;

/** A plain etcd3 client for writing test data (the datastore's "admin path"). */
export function adminClient(endpoint: string): Etcd3 {
  return new etcd3.Etcd3({ hosts: endpoint });
}

let counter = 0;
/** A fresh key prefix, so tests sharing one etcd never see each other's keys. */
export function uniquePrefix(label: string): string {
  counter++;
  return `/test/${label}-${process.pid}-${Date.now().toString(36)}-${counter}/`;
}

/** Collects a watch's events in the background. */
export class EventCollector {
  readonly events: WatchEvent[] = [];
  ended = false;
  readonly done: Promise<void>;

  constructor(readonly watch: Watch) {
    this.done = (async () => {
      for await (const event of watch) this.events.push(event);
      this.ended = true;
    })();
  }

  of<T extends WatchEvent["type"]>(type: T): Extract<WatchEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<WatchEvent, { type: T }> => e.type === type);
  }

  async waitFor(
    predicate: (events: WatchEvent[]) => boolean,
    what: string,
    timeoutMs = 20_000,
  ): Promise<void> {
    await eventually(what, () => predicate(this.events), { timeoutMs, intervalMs: 50 });
  }
}

export function keysAndRevisions(list: KVPairList): Map<string, string> {
  return new Map(list.kvPairs.map((kv) => [kv.key, kv.revision]));
}

/** A logger that keeps every message, so tests can see what the syncer and client went through. */
export class MemoryLogger implements Logger {
  readonly entries: { level: string; message: string; fields?: LogFields }[] = [];
  debug = (message: string, fields?: LogFields) => this.entries.push({ level: "debug", message, fields });
  info = (message: string, fields?: LogFields) => this.entries.push({ level: "info", message, fields });
  warn = (message: string, fields?: LogFields) => this.entries.push({ level: "warn", message, fields });
  error = (message: string, fields?: LogFields) => this.entries.push({ level: "error", message, fields });

  count(fragment: string): number {
    return this.entries.filter((e) => e.message.includes(fragment)).length;
  }

  errorsMatching(fragment: string): number {
    return this.entries.filter((e) =>
      String((e.fields?.error as Error | undefined)?.message).includes(fragment),
    ).length;
  }
}

/** etcd3 with its retry and circuit-breaker policies off, so test writers notice outages at once. */
export function plainAdminClient(endpoint: string): Etcd3 {
  const runOnce = {
    execute: <T>(fn: (context: { signal: AbortSignal; attempt: number }) => T | Promise<T>) =>
      Promise.resolve().then(() => fn({ signal: new AbortController().signal, attempt: 0 })),
  };
  return new etcd3.Etcd3({
    hosts: endpoint,
    grpcOptions: { "grpc.initial_reconnect_backoff_ms": 100, "grpc.max_reconnect_backoff_ms": 500 },
    faultHandling: { host: () => runOnce as never, global: runOnce as never },
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + 2_000 }),
  });
}

/** A TCP proxy in front of etcd that a test can cut (every connection reset) and restore. */
export class CuttableProxy {
  private readonly sockets = new Set<Socket>();
  private cutOff = false;
  private readonly server: Server;
  port = 0;

  private constructor(targetPort: number) {
    this.server = createServer((inbound) => {
      if (this.cutOff) {
        inbound.destroy();
        return;
      }
      const outbound = connect(targetPort, "127.0.0.1");
      for (const socket of [inbound, outbound]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {
          inbound.destroy();
          outbound.destroy();
        });
      }
      inbound.pipe(outbound).pipe(inbound);
    });
  }

  static async start(targetPort: number): Promise<CuttableProxy> {
    const proxy = new CuttableProxy(targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    const address = proxy.server.address();
    proxy.port = typeof address === "object" && address !== null ? address.port : 0;
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.cutOff = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.cutOff = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
