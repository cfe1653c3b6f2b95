/**
 * What separates two items in a compact Kubernetes list, learnt from its first two items, so that
 * runs of items can be cut out of a page without scanning every byte (see ListBodyParser).
 */

import { Buffer } from "node:buffer";

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** How many bytes of the first two items are compared to learn what starts an item. */
export const ITEM_PREFIX_MAX = 96;
/** `},{"a":` is the shortest separator worth searching for: it holds a whole member name. */
const ITEM_SEPARATOR_MIN = 7;

/**
 * `},` and the bytes the first two items began with, up to the last `{` they share
 * (`{"apiVersion":"v1","kind":"Pod","metadata":{`), else up to the last `:`; undefined when they
 * share too little. Stopping at an object's start keeps the separator right for items whose first
 * member differs (`annotations` or `creationTimestamp` in a custom resource's sorted metadata).
 */
export function learnItemSeparator(first: Uint8Array, second: Uint8Array): Buffer | undefined {
  let common = 0;
  const max = Math.min(first.length, second.length);
  while (common < max && first[common] === second[common]) common++;
  if (common < ITEM_SEPARATOR_MIN - 2 || first[0] !== OPEN_BRACE) return undefined;
  let end = first.lastIndexOf(OPEN_BRACE, common - 1) + 1;
  if (end + 2 < ITEM_SEPARATOR_MIN) end = first.lastIndexOf(COLON, common - 1) + 1;
  if (end + 2 < ITEM_SEPARATOR_MIN) return undefined;
  const separator = Buffer.alloc(end + 2);
  separator[0] = CLOSE_BRACE;
  separator[1] = COMMA;
  separator.set(first.subarray(0, end), 2);
  return separator;
}
