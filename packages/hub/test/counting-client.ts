import type { DatastoreClient } from "@watchersyncer/core";

/** Counts the lists and watches a client is asked for, per kind: what the datastore pays. */
export function countingClient(inner: DatastoreClient) {
  const lists = new Map<string, number>();
  const watches = new Map<string, number>();
  const bump = (counts: Map<string, number>, kind: string) => counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const client: DatastoreClient = {
    list: (options, revision, signal) => {
      bump(lists, options.kind);
      return inner.list(options, revision, signal);
    },
    watch: (options, watchOptions, signal) => {
      bump(watches, options.kind);
      return inner.watch(options, watchOptions, signal);
    },
  };
  return { client, lists, watches };
}
