/**
 * The fast path through a list's `items`. Scanning every byte in JavaScript costs a third as much
 * as parsing, so once the first two items showed what separates items, runs of whole items are cut
 * out without scanning them. An item then waits for the separator after it, or for the end of the
 * body; the scanner takes over when no separator comes for a long stretch.
 */

import type { Buffer } from "node:buffer";
import { ITEM_PREFIX_MAX, learnItemSeparator } from "./item-separator.js";
import { type ItemFastPath, SCAN_ITEMS, WAIT_FOR_ITEMS } from "./list-body-tokenizer.js";

const COMMA = 0x2c;

/** After this many cuts that JSON.parse refused, a body is only scanned. */
const MAX_FAILED_CUTS = 2;
/** Bytes of items left waiting for a separator before the scanner takes them. */
const MAX_UNCUT_BYTES = 256 * 1024;

/** Learns the item separator from the first two items the tokenizer scanned, then cuts with it. */
export class ItemCutter implements ItemFastPath {
  private firstItem: Uint8Array | undefined;
  private itemsSeen = 0;
  private itemSeparator: Buffer | undefined;
  private failedCuts = 0;
  /** How far the buffer was searched for a separator, so that no byte is searched twice. */
  private searchedTo = 0;
  /** After a refused cut, the scanner takes the buffer up to here. */
  private scanTo = 0;

  /** `onItem` receives the items of every cut, parsed, in order. */
  constructor(private readonly onItem: (item: unknown) => void) {}

  cut(buffer: Uint8Array, text: Buffer, pos: number, afterElement: boolean): number {
    if (this.itemSeparator === undefined || pos < this.scanTo) return SCAN_ITEMS;
    const end = this.cutItems(buffer, text, pos, afterElement);
    if (end >= 0) return end;
    // Wait for the separator after these items, unless it is long overdue or a cut was refused.
    return pos >= this.scanTo && buffer.length - pos < MAX_UNCUT_BYTES ? WAIT_FOR_ITEMS : SCAN_ITEMS;
  }

  scanned(buffer: Uint8Array, start: number, end: number): void {
    if (this.itemsSeen >= 2) return;
    const bytes = buffer.subarray(start, Math.min(end, start + ITEM_PREFIX_MAX));
    if (this.itemsSeen++ === 0) this.firstItem = bytes.slice();
    else this.itemSeparator = learnItemSeparator(this.firstItem!, bytes);
  }

  dropped(count: number): void {
    this.searchedTo = Math.max(0, this.searchedTo - count);
    this.scanTo = Math.max(0, this.scanTo - count);
  }

  bodyEnded(): void {
    // Items after the last separator were waiting for one; the body is complete, scan them.
    this.itemSeparator = undefined;
  }

  /**
   * Hands over, in one JSON.parse, every item up to the last separator in the buffer, and returns
   * the index after them (-1: no cut). A `},` and a quote that opens a member name can only be
   * structural, but the separator may still sit inside an item (an array of objects that begin
   * like items). Such a cut leaves an object unclosed, and JSON.parse refuses every cut that does
   * not end exactly after an item, so a cut it accepts yields exactly the items the scanner would
   * have.
   */
  private cutItems(buffer: Uint8Array, text: Buffer, pos: number, afterElement: boolean): number {
    let start = pos;
    if (afterElement) {
      if (buffer[start] !== COMMA) return -1;
      start++;
    }
    const separator = this.itemSeparator!;
    const length = buffer.length;
    const from = Math.max(start, this.searchedTo - separator.length + 1);
    this.searchedTo = length;
    if (length - from < separator.length) return -1;
    const found = text.subarray(from).lastIndexOf(separator);
    if (found < 0) return -1;
    const cut = from + found;
    if (cut <= start) return -1;
    let items: unknown[];
    try {
      items = JSON.parse(`[${text.toString("utf8", start, cut + 1)}]`) as unknown[];
    } catch {
      // Not a cut between items (or a defect the scanner will name): scan instead.
      if (++this.failedCuts >= MAX_FAILED_CUTS) this.itemSeparator = undefined;
      this.scanTo = length;
      return -1;
    }
    for (const item of items) this.onItem(item);
    return cut + 1;
  }
}
