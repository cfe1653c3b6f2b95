import { ItemCutter } from "./item-cutter.js";
import { ListBodyTokenizer } from "./list-body-tokenizer.js";

/**
 * Reads a Kubernetes list response as it streams in: the tokenizer ({@link ListBodyTokenizer})
 * with the item-cutting fast path ({@link ItemCutter}), which takes runs of alike items in one
 * JSON.parse. Push the body's chunks, then call `end()`; defects throw a `ListSyntaxError`.
 */
export class ListBodyParser extends ListBodyTokenizer {
  /**
   * `onItem` receives each element of `items`, parsed, in order; `onMember` each other top-level
   * member as soon as it is complete (a list's metadata comes before its items).
   */
  constructor(onItem: (item: unknown) => void, onMember?: (name: string, value: unknown) => void) {
    super(onItem, onMember, new ItemCutter(onItem));
  }
}
