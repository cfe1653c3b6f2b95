import { isUtf8 } from "node:buffer";

/**
 * An etcd key as the string the syncer keys on, losslessly: etcd keys are bytes, and two keys
 * that are not UTF-8 (`/k\xff`, `/k\xfe`) must not both become `/k\uFFFD`, where the second would
 * look like an update of the first and deleting one would hide the other.
 *
 * Valid UTF-8 decodes as usual. Each byte that is not part of a valid UTF-8 sequence becomes the
 * lone surrogate U+DC00 + byte (Python's "surrogateescape", PEP 383). Decoding valid UTF-8 never
 * yields a lone surrogate, so the mapping is one-to-one and such a key cannot collide with any
 * well-formed one. JSON output escapes lone surrogates (`"\udcff"`), so they stay visible.
 */
export function keyFromBytes(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buffer)) return buffer.toString("utf8");
  let key = "";
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length === 0) {
      key += String.fromCharCode(0xdc00 + bytes[i]!);
      i += 1;
    } else {
      key += buffer.toString("utf8", i, i + length);
      i += length;
    }
  }
  return key;
}

/** The length of the well-formed UTF-8 sequence at `i` (RFC 3629, table 3-7), or 0. */
function validSequenceLength(bytes: Uint8Array, i: number): number {
  const first = bytes[i]!;
  if (first < 0x80) return 1;
  const [length, low, high] = leadingByteRule(first);
  if (length === 0 || i + length > bytes.length) return 0;
  const second = bytes[i + 1]!;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) {
    const next = bytes[i + k]!;
    if (next < 0x80 || next > 0xbf) return 0;
  }
  return length;
}

/** For a leading byte: the sequence length and the range its second byte must fall in. */
function leadingByteRule(first: number): [number, number, number] {
  if (first >= 0xc2 && first <= 0xdf) return [2, 0x80, 0xbf];
  if (first === 0xe0) return [3, 0xa0, 0xbf];
  if (first === 0xed) return [3, 0x80, 0x9f]; // no UTF-16 surrogates
  if (first >= 0xe1 && first <= 0xef) return [3, 0x80, 0xbf];
  if (first === 0xf0) return [4, 0x90, 0xbf];
  if (first >= 0xf1 && first <= 0xf3) return [4, 0x80, 0xbf];
  if (first === 0xf4) return [4, 0x80, 0x8f];
  return [0, 0, 0];
}
