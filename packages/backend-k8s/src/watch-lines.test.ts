import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WatchLines } from "./watch-lines.js";

function split(chunks: Buffer[], max = 1 << 20): { lines: string[]; rest: string; fits: boolean } {
  const splitter = new WatchLines(max);
  const lines: string[] = [];
  let fits = true;
  for (const chunk of chunks) {
    fits = splitter.feed(chunk, (line) => {
      lines.push(line);
      return true;
    });
    if (!fits) break;
  }
  return { lines, rest: fits ? splitter.rest() : "", fits };
}

describe("WatchLines", () => {
  it("finds the same lines however the bytes are cut into chunks, multi-byte characters included", () => {
    const line = fc.string({ unit: "grapheme", maxLength: 30 }).map((s) => s.replaceAll("\n", " "));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (lines, cuts) => {
        const body = Buffer.from(lines.map((l) => `${l}\n`).join(""), "utf8");
        const points = [...new Set(cuts.map((c) => (body.length === 0 ? 0 : c % body.length)))].sort(
          (a, b) => a - b,
        );
        const chunks: Buffer[] = [];
        let from = 0;
        for (const point of points) {
          chunks.push(body.subarray(from, point));
          from = point;
        }
        chunks.push(body.subarray(from));
        expect(split(chunks)).toEqual({ lines, rest: "", fits: true });
      }),
      { numRuns: 500 },
    );
  });

  it("keeps a final line without its newline for rest()", () => {
    expect(split([Buffer.from("a\nb"), Buffer.from("c")])).toEqual({ lines: ["a"], rest: "bc", fits: true });
  });

  it("stops handing out lines when onLine says so", () => {
    const splitter = new WatchLines(100);
    const seen: string[] = [];
    splitter.feed(Buffer.from("a\nb\nc\n"), (line) => {
      seen.push(line);
      return line !== "b";
    });
    expect(seen).toEqual(["a", "b"]);
  });

  it("refuses a line longer than the bound, whether or not its newline has come", () => {
    expect(split([Buffer.from("12345"), Buffer.from("6")], 5).fits).toBe(false);
    expect(split([Buffer.from("123456\n")], 5).fits).toBe(false);
    expect(split([Buffer.from("123"), Buffer.from("456\n")], 5).fits).toBe(false);
    expect(split([Buffer.from("12345\n")], 5)).toEqual({ lines: ["12345"], rest: "", fits: true });
  });

  it("looks at each byte once: a 40 MB line in 64 KiB chunks is cut in linear time", () => {
    // The old splitter searched the whole buffer again for every chunk: 7.4 s for this line.
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const splitter = new WatchLines(64 * 1024 * 1024);
    const started = performance.now();
    for (let i = 0; i < 640; i++) splitter.feed(chunk, () => true);
    let lineLength = 0;
    splitter.feed(Buffer.from("\n"), (line) => {
      lineLength = line.length;
      return true;
    });
    expect(lineLength).toBe(640 * 64 * 1024);
    // Generous for a loaded 2-core machine: linear work takes well under a second.
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
