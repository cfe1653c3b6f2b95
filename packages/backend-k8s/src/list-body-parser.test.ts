import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ListBodyParser, ListSyntaxError } from "./list-body-parser.js";

const encoder = new TextEncoder();

/** Parses `bytes` fed in the given chunk sizes (cycled); returns the items and the other fields. */
function parseInChunks(bytes: Uint8Array, sizes: number[]) {
  const items: unknown[] = [];
  const parser = new ListBodyParser((item) => items.push(item));
  let offset = 0;
  for (let n = 0; offset < bytes.length; n++) {
    const size = Math.max(1, sizes[n % sizes.length] ?? bytes.length);
    parser.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  parser.end();
  return { items, fields: parser.fields };
}

function parseText(text: string, sizes: number[] = [text.length + 1]) {
  return parseInChunks(encoder.encode(text), sizes);
}

describe("ListBodyParser", () => {
  it("yields every item and the other members exactly as JSON.parse, however the body is split", () => {
    const list = fc.record({
      kind: fc.string(),
      metadata: fc.dictionary(fc.string(), fc.jsonValue()),
      items: fc.array(fc.jsonValue()),
      extra: fc.jsonValue(),
    });
    fc.assert(
      fc.property(
        list,
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1 }),
        fc.boolean(),
        (body, sizes, pretty) => {
          const text = pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body);
          const expected = JSON.parse(text) as typeof body;
          const { items, fields } = parseText(text, sizes);
          expect(items).toEqual(expected.items);
          expect(fields).toEqual({ kind: expected.kind, metadata: expected.metadata, extra: expected.extra });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("handles escapes and multi-byte characters split across chunks", () => {
    const item = { s: 'quote " backslash \\ slash / tab \t \u00e9\u4e2d\ud83d\ude00 }]{[,', n: -1.5e3 };
    const text = JSON.stringify({ items: [item, item], metadata: { continue: 'a\\"b' } });
    for (let size = 1; size <= 7; size++) {
      const { items, fields } = parseText(text, [size]);
      expect(items).toEqual([item, item]);
      expect(fields).toEqual({ metadata: { continue: 'a\\"b' } });
    }
  });

  it("hands over each item as soon as its last byte arrived", () => {
    const seen: unknown[] = [];
    const parser = new ListBodyParser((item) => seen.push(item));
    parser.push(encoder.encode('{"kind":"PodList","items":[{"a":1},{"b"'));
    expect(seen).toEqual([{ a: 1 }]);
    parser.push(encoder.encode(":2}"));
    expect(seen).toEqual([{ a: 1 }, { b: 2 }]);
    parser.push(encoder.encode("]}"));
    parser.end();
    expect(parser.fields).toEqual({ kind: "PodList" });
  });

  it("accepts empty and null items", () => {
    expect(parseText('{"items":[]}').items).toEqual([]);
    expect(parseText('{"items":null,"kind":"X"}')).toEqual({ items: [], fields: { kind: "X" } });
    expect(parseText(' \n{ "items" : [ 1 , 2 ] } \n').items).toEqual([1, 2]);
  });

  it.each([
    ["an empty body", ""],
    ["a cut-off body", '{"items":[{"a":1},{"b":'],
    ["a cut-off string", '{"items":["abc'],
    ["an object without items", '{"kind":"X"}'],
    ["items that are not an array", '{"items":{"a":1}}'],
    ["a missing comma between items", '{"items":[1 2]}'],
    ["a trailing comma in items", '{"items":[1,]}'],
    ["a trailing comma in the object", '{"items":[],}'],
    ["a missing colon", '{"items" []}'],
    ["a member name that is not a string", "{items:[]}"],
    ["a bad element", '{"items":[{"a":tru}]}'],
    ["a bad member value", '{"kind":nul,"items":[]}'],
    ["data after the list", '{"items":[]}{'],
    ["an array instead of a list", "[1,2]"],
  ])("rejects %s", (_what, text) => {
    for (const sizes of [[text.length + 1], [1], [3]]) {
      expect(() => parseText(text, sizes)).toThrow(ListSyntaxError);
    }
  });
});
