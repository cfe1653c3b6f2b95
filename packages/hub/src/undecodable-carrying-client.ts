import type {
  DatastoreClient,
  KVPair,
  KVPairListPage,
  ListOptions,
  ParseError,
  Revision,
  Watch,
  WatchEvent,
} from "@watchersyncer/core";
import { UndecodableValue } from "./undecodable-value.js";

/**
 * The revision an undecodable entry of a list is carried at. A list's parse errors have none of
 * their own (and a part of a list is handed over before the list's revision is known), so it is
 * derived from the raw value: a relist that finds the same bytes gives the upstream syncer no
 * update, other bytes give one. Only the upstream syncer's dedup sees it; the hub files the entry
 * at the revision the list reports.
 */
function listedRevision(error: ParseError): Revision {
  return `undecodable:${error.rawValue}`;
}

function carried(error: ParseError, revision: Revision): KVPair<UndecodableValue> {
  return { key: error.rawKey, value: new UndecodableValue(error), revision };
}

function carriedPage(page: KVPairListPage): KVPairListPage {
  const errors = page.parseErrors;
  if (errors === undefined || errors.length === 0) return page;
  const kvPairs: KVPair[] = [...page.kvPairs];
  for (const error of errors) kvPairs.push(carried(error, listedRevision(error)));
  return { kvPairs };
}

/**
 * A parse-error event with a revision becomes a `modified` event carrying the entry; one without
 * a revision stays as it is (a carried pair needs a revision to move the syncer to), and the
 * syncer reports it by `onParseFailed`.
 */
function carriedEvent(event: WatchEvent): WatchEvent {
  if (event.type !== "parse-error" || event.revision === undefined || event.revision === "") return event;
  return { type: "modified", new: carried(event.error, event.revision) };
}

function carryingWatch(inner: Watch): Watch {
  return {
    stop: () => inner.stop(),
    [Symbol.asyncIterator]: () => {
      const iterator = inner[Symbol.asyncIterator]();
      return {
        next: async () => {
          const result = await iterator.next();
          return result.done ? result : { value: carriedEvent(result.value), done: false };
        },
        return: async (value?: unknown) => iterator.return?.(value) ?? { value: undefined, done: true },
      };
    },
  };
}

/**
 * The hub's view of its upstream client: entries it cannot decode arrive as pairs whose value is
 * an {@link UndecodableValue} instead of as parse errors, so the upstream syncer keeps them like
 * any key (see there). Everything else is passed through.
 */
export function undecodableCarryingClient<O extends ListOptions>(
  client: DatastoreClient<O>,
): DatastoreClient<O> {
  const carrying: DatastoreClient<O> = {
    list: async (options, revision, signal) => {
      const list = await client.list(options, revision, signal);
      const errors = list.parseErrors;
      if (errors === undefined || errors.length === 0) return list;
      const kvPairs: KVPair[] = [...list.kvPairs];
      for (const error of errors) kvPairs.push(carried(error, listedRevision(error)));
      return { kvPairs, revision: list.revision };
    },
    watch: async (options, watchOptions, signal) =>
      carryingWatch(await client.watch(options, watchOptions, signal)),
  };
  if (client.listInPages !== undefined) {
    carrying.listInPages = (options, revision, signal, onPage) =>
      client.listInPages!(options, revision, signal, (page) => onPage(carriedPage(page)));
  }
  if (client.checkListOptions !== undefined) {
    carrying.checkListOptions = (options) => client.checkListOptions!(options);
  }
  return carrying;
}
