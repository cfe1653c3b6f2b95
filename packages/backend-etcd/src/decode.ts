import { type KVPair, ParseError } from "@watchersyncer/core";
import type { IKeyValue } from "etcd3";

/** A stored pair as the syncer sees it, or the reason it could not be decoded (contract S18). */
export type Decoded = { ok: true; kv: KVPair } | { ok: false; error: ParseError };

/** Values are JSON documents; anything else is a parse error, never a crash or a silent drop. */
export function decodeKeyValue(kv: IKeyValue): Decoded {
  const key = kv.key.toString("utf8");
  const raw = kv.value.toString("utf8");
  try {
    return { ok: true, kv: { key, value: JSON.parse(raw) as unknown, revision: String(kv.mod_revision) } };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { ok: false, error: new ParseError(key, raw, `value of ${key} is not JSON: ${reason}`) };
  }
}
