import { type KVPair, ParseError, type Revision, type WatchEvent } from "@watchersyncer/core";

/** A value as stored; `kv` is handed out as is (no copies), which is why callers must not mutate values. */
export interface DecodableEntry {
  readonly decodable: true;
  readonly rev: number;
  readonly kv: KVPair;
}

/** An entry the datastore "cannot decode" (S18): reported as a ParseError, never as a value. */
export interface UndecodableEntry {
  readonly decodable: false;
  readonly rev: number;
  readonly key: string;
  readonly revision: Revision;
  readonly error: ParseError;
}

export type StoredEntry = DecodableEntry | UndecodableEntry;

/** One write in the history. `previous` is what the key held before, so history can be undone. */
export class LogEvent {
  private event: WatchEvent | undefined;

  constructor(
    readonly rev: number,
    readonly key: string,
    readonly entry: StoredEntry | undefined,
    readonly previous: StoredEntry | undefined,
  ) {}

  /** The write's revision as text. */
  get revision(): Revision {
    return this.entry === undefined
      ? String(this.rev)
      : this.entry.decodable
        ? this.entry.kv.revision
        : this.entry.revision;
  }

  /** Built on first use (no watcher, no cost) and then shared by every watch that sees it. */
  get watchEvent(): WatchEvent {
    this.event ??= watchEventFor(this.key, this.rev, this.entry, this.previous);
    return this.event;
  }
}

export function decodableEntry(key: string, value: unknown, rev: number): DecodableEntry {
  return { decodable: true, rev, kv: { key, value, revision: String(rev) } };
}

export function undecodableEntry(key: string, rawValue: string, rev: number): UndecodableEntry {
  return { decodable: false, rev, key, revision: String(rev), error: new ParseError(key, rawValue) };
}

/**
 * The watch event a write produces. A put over an undecodable entry is `modified` without `old`
 * (there is no decoded old value); deleting an undecodable entry reports `old.value === null`.
 */
export function watchEventFor(
  key: string,
  rev: number,
  entry: StoredEntry | undefined,
  previous: StoredEntry | undefined,
): WatchEvent {
  if (entry === undefined) {
    const value = previous?.decodable ? previous.kv.value : null;
    return { type: "deleted", old: { key, value, revision: String(rev) } };
  }
  if (!entry.decodable) return { type: "parse-error", error: entry.error, revision: entry.revision };
  if (previous === undefined) return { type: "added", new: entry.kv };
  if (previous.decodable) return { type: "modified", new: entry.kv, old: previous.kv };
  return { type: "modified", new: entry.kv };
}
