import { describe, expect, it } from "vitest";
import { escapeForTerminal, jsonForTerminal } from "./escape-for-terminal.js";

describe("escapeForTerminal", () => {
  it("leaves printable text, including non-ASCII and surrogate pairs, alone", () => {
    expect(escapeForTerminal("/networkpolicies/ns1/p1 ü € 😀")).toBe("/networkpolicies/ns1/p1 ü € 😀");
  });

  it("renders C0, DEL, C1 and the backslash visibly", () => {
    expect(escapeForTerminal("a\u001b]0;x\u0007\n\t\r\u0000\u007f\u0080\u009b\\z")).toBe(
      "a\\x1b]0;x\\x07\\n\\t\\r\\x00\\x7f\\u0080\\u009b\\\\z",
    );
  });

  it("renders lone surrogates, as non-UTF-8 etcd keys arrive, but not pairs", () => {
    expect(escapeForTerminal("/k\udcff/\ud800x/\ud83d\ude00")).toBe("/k\\udcff/\\ud800x/\ud83d\ude00");
  });

  it("renders bidirectional overrides, isolates and marks and the line separators visibly", () => {
    // "Trojan Source": U+202E would make the rest of the line read right to left.
    expect(escapeForTerminal("/k\u202eevil\u2066x\u2069\u200f\u061c\u2028\u2029")).toBe(
      "/k\\u202eevil\\u2066x\\u2069\\u200f\\u061c\\u2028\\u2029",
    );
    expect(escapeForTerminal("\u2027\u2030\u2065\u206a")).toBe("\u2027\u2030\u2065\u206a");
  });

  it("is one-to-one: a literal backslash-x cannot pass for an escaped ESC", () => {
    expect(escapeForTerminal("\\x1b")).not.toBe(escapeForTerminal("\u001b"));
  });
});

describe("jsonForTerminal", () => {
  it("escapes DEL and C1 as JSON escapes, so the text still parses to the same value", () => {
    const value = { key: "/k\u001b\u007f\u009b\udcff" };
    const json = jsonForTerminal(value)!;
    expect(json).toBe('{"key":"/k\\u001b\\u007f\\u009b\\udcff"}');
    expect(JSON.parse(json)).toEqual(value);
  });

  it("escapes bidirectional characters as JSON escapes too", () => {
    const value = { key: "/k\u202e\u2066\u200e\u2028" };
    const json = jsonForTerminal(value)!;
    expect(json).toBe('{"key":"/k\\u202e\\u2066\\u200e\\u2028"}');
    expect(JSON.parse(json)).toEqual(value);
  });
});
