import { type KVPair, ParseError, type ProcessResult, type SyncerUpdateProcessor } from "@watchersyncer/core";

/** The value every fuzz write stores; `bad` makes the parsing processor fail (S13). */
export interface FuzzValue {
  n: number;
  bad?: boolean;
}

export type ProcessorKind = "none" | "rename" | "parsing";

/** A resource type of the fuzz: its kind and what stands between the datastore and the consumer. */
export interface FuzzKind {
  kind: string;
  processor: ProcessorKind;
}

/**
 * Three resource types: raw pairs, pairs renamed by a processor, and pairs a processor parses
 * (a `bad` value yields a delete of the converted key plus a `ParseError`, as Calico's
 * conversions do for unparsable resources).
 */
export const FUZZ_KINDS: readonly FuzzKind[] = [
  { kind: "pods", processor: "none" },
  { kind: "nodes", processor: "rename" },
  { kind: "policies", processor: "parsing" },
];

export const FUZZ_NAMES = ["a", "b", "c"] as const;

/** The converted key of a processed pair: distinct from every raw key, yet still under its kind. */
export function convertedKey(rawKey: string): string {
  return `${rawKey}#converted`;
}

/** Pure: the fuzz runs it once for the syncer and once for its reference model. */
export function convert(processor: ProcessorKind, kv: KVPair): ProcessResult {
  if (processor === "none") return { kvPairs: [kv] };
  const key = convertedKey(kv.key);
  const value = kv.value as FuzzValue | null;
  if (processor === "parsing" && value?.bad === true) {
    return {
      kvPairs: [{ key, value: null, revision: kv.revision }],
      error: new ParseError(kv.key, JSON.stringify(value)),
    };
  }
  return { kvPairs: [{ key, value: value === null ? null : { converted: value.n }, revision: kv.revision }] };
}

export function updateProcessorFor(processor: ProcessorKind): SyncerUpdateProcessor | undefined {
  if (processor === "none") return undefined;
  return {
    process: (kv) => convert(processor, kv),
    onSyncerStarting: () => {},
  };
}
