import type { ParseError } from "@watchersyncer/core";

/**
 * The value of an entry the upstream could not decode (S18), carried through the hub's upstream
 * syncer as if it were a value: the syncer then holds the key at its revision like any other, so
 * a later decodable value, a delete of the key and a relist that no longer finds it all reach
 * the hub as ordinary updates. (A parse failure the syncer reports by `onParseFailed` instead
 * would leave the key unheld, and the syncer passes on no delete of a key it does not hold.)
 */
export class UndecodableValue {
  constructor(readonly error: ParseError) {}
}
