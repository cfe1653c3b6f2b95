import { type KVPair, ParseError } from "@watchersyncer/core";
import type { IKeyValue } from "etcd3";
import { keyFromBytes } from "./key-bytes.js";

/**
 * A stored pair as the syncer sees it, or the reason it could not be decoded (S18 of core's CONTRACT.md).
 * Values are JSON documents; anything else is a parse error, never a crash or a silent drop. Keys
 * are kept lossless, UTF-8 or not (see `keyFromBytes`).
 * `revision` is the pair's `mod_revision` when the caller already has it as a string.
 */
export function decodeKeyValue(
  kv: IKeyValue,
  revision: string = String(kv.mod_revision),
): KVPair | ParseError {
  const key = keyFromBytes(kv.key);
  const raw = kv.value.toString("utf8");
  try {
    return { key, value: JSON.parse(raw) as unknown, revision };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return new ParseError(key, raw, `value of ${key} is not JSON: ${reason}`);
  }
}
