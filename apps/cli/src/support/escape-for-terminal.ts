/**
 * Control characters (C0 including newline and tab, DEL, C1), the bidirectional formatting
 * characters (U+061C, U+200E/F, U+202A–E, U+2066–9: they reorder what follows on the line, so a
 * key could make `+ new /a` read as another key — "Trojan Source"), the line and paragraph
 * separators U+2028/9, lone surrogates (how etcd keys that are not UTF-8 arrive) and the
 * backslash, as matched one code point at a time: a surrogate pair is one code point and does not
 * match.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const UNSAFE = /[\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]/gu;

/** What JSON leaves raw of {@link UNSAFE}: DEL, C1 and the bidirectional/separator characters. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function hex(char: string, digits: number): string {
  return char.charCodeAt(0).toString(16).padStart(digits, "0");
}

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  return code <= 0x7f ? `\\x${hex(char, 2)}` : `\\u${hex(char, 4)}`;
}

/**
 * Text from a datastore or a server (keys, names, error messages) as it may reach a terminal:
 * a stored key must not retitle the terminal, move the cursor or start a forged output line.
 * Every such character becomes a visible escape (`\x1b`, `\n`, `\u009b`, `\udcff`) and a
 * backslash becomes `\\`, so the escaped text maps back to exactly one original.
 */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/**
 * `JSON.stringify` for a terminal: JSON already escapes C0, quotes, backslashes and lone
 * surrogates; DEL, C1 and the bidirectional characters become `\uXXXX`, which are JSON escapes
 * too, so the result still parses to the same value.
 */
export function jsonForTerminal(value: unknown): string | undefined {
  return JSON.stringify(value)?.replace(UNSAFE_IN_JSON, (char) => `\\u${hex(char, 4)}`);
}
