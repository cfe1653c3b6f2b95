import type { KVPair, KVPairListPage, ParseError } from "@watchersyncer/core";
import { decodeObject, type KubernetesObject } from "./decode.js";
import type { OnListPage } from "./list-request.js";
import type { KubernetesResource } from "./resources.js";
import { metadataOnly, type ValueMode } from "./value-mode.js";

/**
 * Decodes the objects of one page as they are parsed. List items carry no apiVersion/kind; they
 * are filled in from the list's own so that values look the same as in a watch. Until the list's
 * kind and apiVersion have been read (a server may send them after the items), objects wait.
 */
export class ListPageDecoder {
  private kvPairs: KVPair<KubernetesObject>[] = [];
  private parseErrors: ParseError[] = [];
  private waiting: unknown[] = [];

  constructor(
    private readonly resource: KubernetesResource,
    private readonly valueMode: ValueMode = "full",
  ) {}

  add(item: unknown, fields: Record<string, unknown>): void {
    if (fields.kind === undefined || fields.apiVersion === undefined) this.waiting.push(item);
    else this.decode(item, fields);
  }

  /** Hands over what was decoded since the last call; returns onPage's backpressure promise. */
  handOver(
    onPage: OnListPage,
    fields: Record<string, unknown>,
    options: { last?: boolean } = {},
  ): void | Promise<void> {
    if (options.last && this.waiting.length > 0) {
      const waiting = this.waiting;
      this.waiting = [];
      for (const item of waiting) this.decode(item, fields);
    }
    if (this.kvPairs.length === 0 && this.parseErrors.length === 0) return;
    const page: KVPairListPage<KubernetesObject> = { kvPairs: this.kvPairs };
    if (this.parseErrors.length > 0) page.parseErrors = this.parseErrors;
    this.kvPairs = [];
    this.parseErrors = [];
    return onPage(page);
  }

  private decode(item: unknown, fields: Record<string, unknown>): void {
    if (typeof item === "object" && item !== null && !Array.isArray(item)) {
      const record = item as Record<string, unknown>;
      const apiVersion = fields.apiVersion;
      const listKind = fields.kind;
      if (record.apiVersion === undefined && typeof apiVersion === "string") record.apiVersion = apiVersion;
      if (record.kind === undefined && typeof listKind === "string" && listKind.endsWith("List")) {
        record.kind = listKind.slice(0, -"List".length);
      }
    }
    const decoded = decodeObject(this.resource, this.valueMode === "metadata" ? metadataOnly(item) : item);
    if (decoded.ok) this.kvPairs.push(decoded.kv);
    else this.parseErrors.push(decoded.error);
  }
}
