import type { Logger } from "@watchersyncer/core";
import { toError } from "./to-error.js";

/** Index functions by name: each gives the index values one stored value is found under. */
export type IndexFunctions<T> = Record<string, (value: T, key: string) => readonly string[]>;

interface Index<T> {
  fn: (value: T, key: string) => readonly string[];
  /** Index value → keys of the entries under it. */
  byValue: Map<string, Set<string>>;
  /** Key → the index values it was filed under, to unfile it on change or delete. */
  byKey: Map<string, readonly string[]>;
}

/**
 * The user's indexes (client-go's Indexers): kept up to date as entries change, so a lookup by
 * index value costs what it returns. An index function that throws files the entry under
 * nothing (and is logged); it never stops the hub.
 */
export class IndexRegistry<T> {
  private readonly indexes = new Map<string, Index<T>>();

  constructor(
    functions: IndexFunctions<T>,
    private readonly logger: Logger,
  ) {
    for (const [name, fn] of Object.entries(functions)) {
      this.indexes.set(name, { fn, byValue: new Map(), byKey: new Map() });
    }
  }

  has(name: string): boolean {
    return this.indexes.has(name);
  }

  /** Keys filed under `value` in index `name` (throws for an index that was not declared). */
  keys(name: string, value: string): ReadonlySet<string> {
    const index = this.indexes.get(name);
    if (index === undefined) throw new RangeError(`no index named ${JSON.stringify(name)}`);
    return index.byValue.get(value) ?? new Set();
  }

  /** `key` now holds `value` (undefined: it was deleted). */
  update(key: string, value: T | undefined): void {
    for (const [name, index] of this.indexes) {
      unfile(index, key);
      if (value === undefined) continue;
      const values = this.valuesOf(name, index, key, value);
      if (values.length === 0) continue;
      index.byKey.set(key, values);
      for (const indexValue of values) {
        let keys = index.byValue.get(indexValue);
        if (keys === undefined) {
          keys = new Set();
          index.byValue.set(indexValue, keys);
        }
        keys.add(key);
      }
    }
  }

  private valuesOf(name: string, index: Index<T>, key: string, value: T): readonly string[] {
    try {
      return [...new Set(index.fn(value, key))];
    } catch (err) {
      this.logger.warn("index function threw; entry left out of the index", {
        index: name,
        key,
        error: toError(err),
      });
      return [];
    }
  }
}

function unfile<T>(index: Index<T>, key: string): void {
  const previous = index.byKey.get(key);
  if (previous === undefined) return;
  index.byKey.delete(key);
  for (const indexValue of previous) {
    const keys = index.byValue.get(indexValue);
    keys?.delete(key);
    if (keys?.size === 0) index.byValue.delete(indexValue);
  }
}
