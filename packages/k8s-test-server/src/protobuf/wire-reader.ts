/** One field of a protobuf message as it is on the wire. */
export interface WireField {
  readonly field: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  readonly wireType: number;
  /** Varints as a number (exact up to 2^53); fixed-size and length-delimited fields as their bytes. */
  readonly value: number | Uint8Array;
}

/** Thrown for bytes that are not a well-formed protobuf message. */
export class WireFormatError extends Error {
  override readonly name = "WireFormatError";
}

function readVarint(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = offset; i < bytes.length && i < offset + 10; i++) {
    const byte = bytes[i]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
  }
  throw new WireFormatError(`truncated varint at byte ${offset}`);
}

function take(bytes: Uint8Array, offset: number, length: number): Uint8Array {
  if (offset + length > bytes.length)
    throw new WireFormatError(`field overruns the message at byte ${offset}`);
  return bytes.subarray(offset, offset + length);
}

/** The fields of one message, in wire order (a repeated or map field appears once per entry). */
export function readFields(bytes: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const tag = readVarint(bytes, offset);
    offset = tag.next;
    const field = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (field === 0) throw new WireFormatError("field number 0");
    let value: number | Uint8Array;
    if (wireType === 0) {
      const varint = readVarint(bytes, offset);
      value = varint.value;
      offset = varint.next;
    } else if (wireType === 2) {
      const length = readVarint(bytes, offset);
      value = take(bytes, length.next, length.value);
      offset = length.next + length.value;
    } else if (wireType === 1 || wireType === 5) {
      value = take(bytes, offset, wireType === 1 ? 8 : 4);
      offset += wireType === 1 ? 8 : 4;
    } else {
      throw new WireFormatError(`unsupported wire type ${wireType}`);
    }
    fields.push({ field, wireType, value });
  }
  return fields;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

export function asString(field: WireField): string {
  if (!(field.value instanceof Uint8Array) || field.wireType !== 2)
    throw new WireFormatError(`field ${field.field} is not a string`);
  try {
    return UTF8.decode(field.value);
  } catch {
    throw new WireFormatError(`field ${field.field} is not valid UTF-8`);
  }
}

export function asBytes(field: WireField): Uint8Array {
  if (!(field.value instanceof Uint8Array) || field.wireType !== 2)
    throw new WireFormatError(`field ${field.field} is not bytes`);
  return field.value;
}

export function asNumber(field: WireField): number {
  if (typeof field.value !== "number") throw new WireFormatError(`field ${field.field} is not a varint`);
  return field.value;
}

/** A `map<string, V>` entry: key is field 1, value field 2 (either may be absent when empty). */
export function asMapEntry(field: WireField): { key: string; value: WireField | undefined } {
  let key = "";
  let value: WireField | undefined;
  for (const inner of readFields(asBytes(field))) {
    if (inner.field === 1) key = asString(inner);
    else if (inner.field === 2) value = inner;
  }
  return { key, value };
}
