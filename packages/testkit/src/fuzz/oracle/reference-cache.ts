import {
  type KVPair,
  type KVPairList,
  type KVPairListPage,
  ParseError,
  type Revision,
  UpdateType,
  type WatchEvent,
} from "@watchersyncer/core";
import { convert, type FuzzKind } from "../fuzz-kinds.js";

/** One thing the consumer must hear, per resource type, in this order. */
export type ExpectedDelivery =
  | { kind: "update"; type: UpdateType; key: string; revision: Revision }
  | { kind: "parse-failed"; rawKey: string };

export function describeDelivery(delivery: ExpectedDelivery): string {
  return delivery.kind === "update"
    ? `${delivery.type} ${delivery.key}@${delivery.revision}`
    : `parse-failed ${delivery.rawKey}`;
}

/**
 * The per-key rules of core's CONTRACT.md (S5, S6, S13, S18) for one resource type, applied to exactly the
 * list results and watch events the syncer received. What it expects is compared, in order, with
 * what the consumer gets: a syncer that loses, repeats, invents or reorders anything of one
 * resource type differs from it.
 */
export class ReferenceCache {
  /** Everything this resource type must deliver, in order; the consumer takes from the front. */
  readonly expected: ExpectedDelivery[] = [];
  /** How many deliveries the consumer has matched so far. */
  consumed = 0;
  /** `consumed` must reach this before InSync (S3); set by the first list. */
  firstListEnd: number | undefined;
  private produced = 0;
  private resources = new Map<string, Revision>();
  private oldResources: Map<string, Revision> | null = null;
  /** A list's parse errors wait for its end (S18: after the list's own pairs). */
  private listParseErrors: ParseError[] = [];
  private currentRevision: Revision = "";

  constructor(
    readonly fuzzKind: FuzzKind,
    /** Tells the consumer which resource type a key belongs to. */
    private readonly claim: (key: string, cache: ReferenceCache) => void,
  ) {}

  get pending(): number {
    return this.expected.length;
  }

  /** A whole list, as `list()` hands it over. */
  applyList(list: KVPairList): void {
    this.beginList();
    this.applyPage(list);
    this.finishList(list.revision);
  }

  /** S6: a list starts; the cached keys wait aside until the list confirms them. */
  beginList(): void {
    this.oldResources = this.resources.size > 0 ? this.resources : null;
    this.resources = new Map();
    this.listParseErrors = [];
  }

  /** One part of a list: its pairs apply at once, its parse errors wait for the end. */
  applyPage(page: KVPairListPage): void {
    for (const kv of page.kvPairs) this.applyRaw(kv);
    for (const error of page.parseErrors ?? []) this.listParseErrors.push(error);
  }

  /** The list succeeded: its parse errors, then deletes of what it did not confirm (S6, S18). */
  finishList(revision: Revision): void {
    const parseErrors = this.listParseErrors;
    this.listParseErrors = [];
    for (const error of parseErrors) this.applyParseError(error, revision);
    const vanished = this.oldResources;
    this.oldResources = null;
    for (const [key, revision] of vanished ?? []) this.emitUpdate(UpdateType.Deleted, key, revision);
    if (revision !== "") this.currentRevision = revision;
    this.firstListEnd ??= this.produced;
  }

  /**
   * The list failed midway: what its parts applied stays, the keys it had not reached are kept as
   * they were (nothing said they were gone), and its parse errors are dropped with it.
   */
  abandonList(): void {
    const unconfirmed = this.oldResources;
    this.oldResources = null;
    this.listParseErrors = [];
    for (const [key, revision] of unconfirmed ?? []) {
      if (!this.resources.has(key)) this.resources.set(key, revision);
    }
  }

  applyEvent(event: WatchEvent): void {
    switch (event.type) {
      case "added":
      case "modified":
        this.currentRevision = event.new.revision;
        this.applyRaw(event.new);
        return;
      case "deleted":
        if (event.old == null) return;
        this.currentRevision = event.old.revision;
        this.applyRaw({ key: event.old.key, value: null, revision: event.old.revision });
        return;
      case "bookmark":
        this.currentRevision = event.revision;
        return;
      case "parse-error":
        if (event.revision !== undefined && event.revision !== "") this.currentRevision = event.revision;
        this.applyParseError(event.error, event.revision ?? this.currentRevision);
        return;
      default:
        return;
    }
  }

  /** The consumer got `delivery`'s match: drop it from the front. */
  take(): ExpectedDelivery | undefined {
    const next = this.expected.shift();
    if (next !== undefined) this.consumed++;
    return next;
  }

  private applyRaw(kv: KVPair): void {
    let result: ReturnType<typeof convert>;
    try {
      result = convert(this.fuzzKind.processor, kv);
    } catch (error) {
      result = { kvPairs: [], error: error as Error };
    }
    for (const pair of result.kvPairs) this.applyConverted(pair);
    if (result.error !== undefined && ParseError.is(result.error)) this.emitParseFailed(result.error.rawKey);
  }

  private applyParseError(error: ParseError, revision: Revision): void {
    this.applyRaw({ key: error.rawKey, value: null, revision });
    this.emitParseFailed(error.rawKey);
  }

  private applyConverted(kv: KVPair): void {
    let known = this.resources.get(kv.key);
    if (known === undefined && this.oldResources?.has(kv.key)) {
      known = this.oldResources.get(kv.key)!;
      this.oldResources.delete(kv.key);
      this.resources.set(kv.key, known);
    }
    if (kv.value === null || kv.value === undefined) {
      if (known === undefined) return;
      this.resources.delete(kv.key);
      this.emitUpdate(UpdateType.Deleted, kv.key, kv.revision);
      return;
    }
    if (known === kv.revision) return;
    this.resources.set(kv.key, kv.revision);
    this.emitUpdate(known === undefined ? UpdateType.New : UpdateType.Updated, kv.key, kv.revision);
  }

  private emitUpdate(type: UpdateType, key: string, revision: Revision): void {
    this.claim(key, this);
    this.expected.push({ kind: "update", type, key, revision });
    this.produced++;
  }

  private emitParseFailed(rawKey: string): void {
    this.claim(rawKey, this);
    this.expected.push({ kind: "parse-failed", rawKey });
    this.produced++;
  }
}
