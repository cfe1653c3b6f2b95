/** The members of a list before its items. */
export interface ListHead {
  kind: string;
  apiVersion: string;
  metadata: Record<string, unknown>;
}

/** Characters of JSON gathered before each chunk of a streamed list. */
export const LIST_CHUNK_CHARS = 128 * 1024;

/**
 * A list's JSON in chunks, as kube-apiserver writes it since 1.33 (streaming collection
 * encoding): the members before `items`, then the items a chunk at a time, so a big list is never
 * one string in memory and the client gets the first objects while the rest are encoded.
 * `encodeItem` lets a caller reuse an item's JSON it already holds.
 */
export function* listChunks(
  head: ListHead,
  items: Iterable<unknown>,
  encodeItem: (item: unknown) => string = (item) => JSON.stringify(item),
  chunkChars = LIST_CHUNK_CHARS,
): Generator<string> {
  let text = `{"kind":${JSON.stringify(head.kind)},"apiVersion":${JSON.stringify(head.apiVersion)},"metadata":${JSON.stringify(head.metadata)},"items":[`;
  let first = true;
  for (const item of items) {
    if (!first) text += ",";
    first = false;
    text += encodeItem(item);
    if (text.length >= chunkChars) {
      yield text;
      text = "";
    }
  }
  yield `${text}]}`;
}
