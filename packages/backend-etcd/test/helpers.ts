import type { KVPairList, Watch, WatchEvent } from "@watchersyncer/core";
import etcd3 from "etcd3";
import { waitFor } from "./etcd-server.js";

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
    await waitFor(() => predicate(this.events), { timeoutMs, what });
  }
}

export function keysAndRevisions(list: KVPairList): Map<string, string> {
  return new Map(list.kvPairs.map((kv) => [kv.key, kv.revision]));
}

export const never = new AbortController().signal;
