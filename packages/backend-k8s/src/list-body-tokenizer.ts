/**
 * The byte tokenizer of a Kubernetes list response (`{"kind":…,"metadata":{…},"items":[…]}`),
 * which hands over the elements of `items` while the rest of the body is still on the wire. A list
 * of 50k objects is tens of megabytes of JSON: parsing it whole means holding the text, then every
 * object, at once, and starting only after the last byte. Here elements are cut out of the bytes
 * (JSON's structural characters are ASCII, so UTF-8 continuation bytes never match them) and
 * parsed with JSON.parse as they complete.
 *
 * The scanner checks the top-level structure (object, keys, commas, the items array) strictly;
 * each element and every other top-level value is checked by JSON.parse. Any defect throws a
 * {@link ListSyntaxError}.
 *
 * Between items it gives way to an {@link ItemFastPath}, which may take a run of whole items
 * without the scanner looking at their bytes (see item-cutter.ts).
 */

import { Buffer } from "node:buffer";

export class ListSyntaxError extends Error {
  override name = "ListSyntaxError";
}

/** {@link ItemFastPath.cut} found no whole items yet: the tokenizer waits for more bytes. */
export const WAIT_FOR_ITEMS = -1;
/** {@link ItemFastPath.cut} cannot cut here: the tokenizer scans on, byte by byte. */
export const SCAN_ITEMS = -2;

/** A shortcut through `items` that the tokenizer asks before it scans an element. */
export interface ItemFastPath {
  /**
   * At an element of `items`, or after one (`afterElement`: a comma or `]` comes next): hands a
   * run of whole items from `pos` on to the consumer and returns the index after the last, or
   * returns {@link WAIT_FOR_ITEMS} or {@link SCAN_ITEMS}. `text` is `buffer` as a Buffer.
   */
  cut(buffer: Uint8Array, text: Buffer, pos: number, afterElement: boolean): number;
  /** The tokenizer scanned an item, bytes `start` to `end` of `buffer`. */
  scanned(buffer: Uint8Array, start: number, end: number): void;
  /** The tokenizer dropped the first `count` bytes of its buffer: indexes into it move back. */
  dropped(count: number): void;
  /** The body is complete: whatever waited for more bytes is the scanner's. */
  bodyEnded(): void;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

const ORDINARY = 0;
const STRING_START = 1;
const OPENS = 2;
const CLOSES = 3;
/** What each byte means to the scan of a value outside strings. */
const BYTE_ROLE = new Uint8Array(256);
BYTE_ROLE[QUOTE] = STRING_START;
BYTE_ROLE[OPEN_BRACE] = OPENS;
BYTE_ROLE[OPEN_BRACKET] = OPENS;
BYTE_ROLE[CLOSE_BRACE] = CLOSES;
BYTE_ROLE[CLOSE_BRACKET] = CLOSES;

/** {@link skipString} ran out of bytes; the last one was a backslash, so the next byte is escaped. */
const ESCAPE_PENDING = -2;

/**
 * The index of the quote that closes a string whose content starts at `from`, or -1 when the
 * bytes end first ({@link ESCAPE_PENDING} when they end right after a backslash).
 */
function skipString(buffer: Uint8Array, from: number, length: number): number {
  for (let i = from; i < length; i++) {
    const c = buffer[i]!;
    if (c === QUOTE) return i;
    if (c === BACKSLASH) {
      if (i + 1 >= length) return ESCAPE_PENDING;
      i++;
    }
  }
  return -1;
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Where the top-level scanner is. */
const At = {
  /** Before the opening `{`. */
  Start: 0,
  /** After `{` (a key or `}`) or after `,` (a key). */
  Key: 1,
  Colon: 2,
  Value: 3,
  /** After a top-level value: `,` or `}`. */
  AfterValue: 4,
  /** After `[` of items (an element or `]`) or after `,` between elements (an element). */
  Element: 5,
  /** After an element: `,` or `]`. */
  AfterElement: 6,
  Done: 7,
} as const;
type At = (typeof At)[keyof typeof At];

export class ListBodyTokenizer {
  /** Top-level members other than `items` (kind, apiVersion, metadata), as they complete. */
  readonly fields: Record<string, unknown> = {};
  private buffer: Uint8Array = new Uint8Array(0);
  /** The same bytes as a Buffer, which decodes a range without creating a view per value. */
  private text: Buffer = Buffer.alloc(0);
  private pos = 0;
  private at: At = At.Start;
  private afterComma = false;
  private key = "";
  private sawItems = false;

  // The value being scanned: where it started and how far the scan got.
  private valueStart = -1;
  private depth = 0;
  private inString = false;
  private escaped = false;

  /**
   * `onItem` receives each element of `items`, parsed, in order; `onMember` each other top-level
   * member as soon as it is complete (a list's metadata comes before its items). `fastPath`,
   * when given, is asked first at every element.
   */
  constructor(
    private readonly onItem: (item: unknown) => void,
    private readonly onMember?: (name: string, value: unknown) => void,
    private readonly fastPath?: ItemFastPath,
  ) {}

  /** Feeds the next bytes of the body. */
  push(chunk: Uint8Array): void {
    this.append(chunk);
    this.scan();
  }

  /** The body ended: throws unless it was one complete list. */
  end(): void {
    this.fastPath?.bodyEnded();
    this.scan();
    if (this.at !== At.Done) throw new ListSyntaxError("the list ended before it was complete");
    if (!this.sawItems) throw new ListSyntaxError("the response has no items");
  }

  private append(chunk: Uint8Array): void {
    // Keep only what is not consumed yet: the value under scan, or nothing.
    const keepFrom = this.valueStart >= 0 ? this.valueStart : this.pos;
    const rest = this.buffer.length - keepFrom;
    if (rest === 0) {
      // A plain Uint8Array view, never a Buffer: one element kind keeps the scan loop monomorphic.
      this.buffer = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    } else {
      const joined = new Uint8Array(rest + chunk.length);
      joined.set(this.buffer.subarray(keepFrom), 0);
      joined.set(chunk, rest);
      this.buffer = joined;
      this.text = Buffer.from(joined.buffer, 0, joined.byteLength);
    }
    this.pos -= keepFrom;
    this.fastPath?.dropped(keepFrom);
    if (this.valueStart >= 0) this.valueStart -= keepFrom;
  }

  private scan(): void {
    const buffer = this.buffer;
    const length = buffer.length;
    const fastPath = this.fastPath;
    while (this.pos < length) {
      if (this.valueStart >= 0) {
        const end = this.scanValue();
        if (end < 0) return;
        this.valueDone(end);
        continue;
      }
      if (fastPath !== undefined && (this.at === At.Element || this.at === At.AfterElement)) {
        const cutEnd = fastPath.cut(buffer, this.text, this.pos, this.at === At.AfterElement);
        if (cutEnd >= 0) {
          this.pos = cutEnd;
          this.at = At.AfterElement;
          continue;
        }
        if (cutEnd === WAIT_FOR_ITEMS) return;
      }
      const c = buffer[this.pos]!;
      if (isWhitespace(c)) {
        this.pos++;
        continue;
      }
      switch (this.at) {
        case At.Start:
          this.expect(c, OPEN_BRACE, "{");
          this.at = At.Key;
          this.afterComma = false;
          break;
        case At.Key:
          if (c === CLOSE_BRACE && !this.afterComma) {
            this.pos++;
            this.at = At.Done;
            break;
          }
          if (c !== QUOTE) throw this.unexpected(c, "a member name");
          this.beginValue();
          break;
        case At.Colon:
          this.expect(c, COLON, ":");
          this.at = At.Value;
          break;
        case At.Value:
          if (this.key === "items" && c === OPEN_BRACKET) {
            this.sawItems = true;
            this.pos++;
            this.at = At.Element;
            this.afterComma = false;
            break;
          }
          this.beginValue();
          break;
        case At.AfterValue:
          this.separator(c, At.Key, CLOSE_BRACE, At.Done);
          break;
        case At.Element:
          if (c === CLOSE_BRACKET && !this.afterComma) {
            this.pos++;
            this.at = At.AfterValue;
            break;
          }
          this.beginValue();
          break;
        case At.AfterElement:
          this.separator(c, At.Element, CLOSE_BRACKET, At.AfterValue);
          break;
        case At.Done:
          throw this.unexpected(c, "the end of the response");
      }
    }
  }

  /**
   * After a member or an element: `,` goes on to `next`; `closer` ends the container, going to
   * `after`. Positional, as it runs once per object of a list.
   */
  private separator(c: number, next: At, closer: number, after: At): void {
    if (c === COMMA) {
      this.pos++;
      this.at = next;
      this.afterComma = true;
      return;
    }
    this.expect(c, closer, `, or ${String.fromCharCode(closer)}`);
    this.at = after;
  }

  private beginValue(): void {
    this.valueStart = this.pos;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }

  /** Scans on from `pos`; returns the end (exclusive) of the value, or -1 if more bytes are needed. */
  private scanValue(): number {
    const buffer = this.buffer;
    const length = buffer.length;
    let i = this.pos;
    let depth = this.depth;
    const inString = this.inString;
    const first = buffer[this.valueStart]!;
    if (first !== OPEN_BRACE && first !== OPEN_BRACKET && first !== QUOTE) {
      // A number or literal ends at the first delimiter; the end of a chunk is not one.
      for (; i < length; i++) {
        const c = buffer[i]!;
        if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isWhitespace(c)) return i;
      }
      this.pos = i;
      return -1;
    }
    if (inString) {
      const close = skipString(buffer, this.escaped ? i + 1 : i, length);
      if (close < 0) return this.needMore(length, depth, close === ESCAPE_PENDING);
      if (depth === 0) return close + 1;
      i = close + 1;
    }
    for (; i < length; i++) {
      // Most bytes are not structural; one table lookup lets them pass.
      const role = BYTE_ROLE[buffer[i]!]!;
      if (role === ORDINARY) continue;
      if (role === STRING_START) {
        const close = skipString(buffer, i + 1, length);
        if (close < 0) return this.needMore(length, depth, close === ESCAPE_PENDING);
        if (depth === 0) return close + 1;
        i = close;
      } else if (role === OPENS) {
        depth++;
      } else if (--depth === 0) {
        return i + 1;
      }
    }
    return this.needMore(length, depth, false, false);
  }

  /** Saves where the scan of an unfinished value stopped; `inString` unless told otherwise. */
  private needMore(length: number, depth: number, escaped: boolean, inString = true): -1 {
    this.pos = length;
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return -1;
  }

  private valueDone(end: number): void {
    const start = this.valueStart;
    const text = this.text.toString("utf8", start, end);
    this.valueStart = -1;
    this.pos = end;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new ListSyntaxError(`invalid JSON in the list: ${(err as Error).message}`);
    }
    switch (this.at) {
      case At.Key:
        this.key = value as string;
        this.at = At.Colon;
        return;
      case At.Value:
        if (this.key === "items") {
          if (value !== null) throw new ListSyntaxError("items is not an array");
          this.sawItems = true;
        } else {
          this.fields[this.key] = value;
          this.onMember?.(this.key, value);
        }
        this.at = At.AfterValue;
        return;
      case At.Element:
        this.at = At.AfterElement;
        this.fastPath?.scanned(this.buffer, start, end);
        this.onItem(value);
        return;
      default:
        throw new ListSyntaxError("unexpected value");
    }
  }

  private expect(c: number, wanted: number, what: string): void {
    if (c !== wanted) throw this.unexpected(c, what);
    this.pos++;
  }

  private unexpected(c: number, what: string): ListSyntaxError {
    return new ListSyntaxError(`expected ${what}, found ${JSON.stringify(String.fromCharCode(c))}`);
  }
}
