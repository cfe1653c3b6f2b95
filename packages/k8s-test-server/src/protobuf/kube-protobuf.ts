import { ApiError, badRequest, failure } from "@watchersyncer/k8s-wire";
import {
  asBytes,
  asMapEntry,
  asNumber,
  asString,
  readFields,
  type WireField,
  WireFormatError,
} from "./wire-reader.js";

export const PROTOBUF_MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

type Json = Record<string, unknown>;

/** Every protobuf body starts with these 4 bytes, then a runtime.Unknown message. */
const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

class UnsupportedField extends Error {}

/** A field this decoder does not know: harmless when empty, otherwise we would lose data. */
function unsupported(message: string, field: WireField): void {
  const empty = field.value instanceof Uint8Array ? field.value.length === 0 : field.value === 0;
  if (!empty) throw new UnsupportedField(`${message} field ${field.field}`);
}

function stringMap(fields: WireField[], asValue: (value: WireField) => string): Json {
  const map: Json = {};
  for (const field of fields) {
    const { key, value } = asMapEntry(field);
    map[key] = value === undefined ? "" : asValue(value);
  }
  return map;
}

const base64 = (field: WireField) => Buffer.from(asBytes(field)).toString("base64");

function ownerReference(bytes: Uint8Array): Json {
  const names: Record<number, string> = { 1: "kind", 3: "name", 4: "uid", 5: "apiVersion" };
  const flags: Record<number, string> = { 6: "controller", 7: "blockOwnerDeletion" };
  const reference: Json = {};
  for (const field of readFields(bytes)) {
    if (names[field.field]) reference[names[field.field]!] = asString(field);
    else if (flags[field.field]) reference[flags[field.field]!] = asNumber(field) !== 0;
    else unsupported("OwnerReference", field);
  }
  return reference;
}

const META_STRINGS: Record<number, string> = {
  1: "name",
  2: "generateName",
  3: "namespace",
  5: "uid",
  6: "resourceVersion",
};
/** selfLink, timestamps, deletionGracePeriodSeconds and managedFields: the server owns them. */
const META_IGNORED = new Set([4, 7, 8, 9, 10, 16]);

function objectMeta(bytes: Uint8Array): Json {
  const meta: Json = {};
  const fields = readFields(bytes);
  for (const field of fields) {
    if (META_STRINGS[field.field]) {
      const value = asString(field);
      if (value !== "") meta[META_STRINGS[field.field]!] = value;
    } else if (field.field === 13) {
      meta.ownerReferences = [...((meta.ownerReferences as Json[]) ?? []), ownerReference(asBytes(field))];
    } else if (field.field === 14) {
      meta.finalizers = [...((meta.finalizers as string[]) ?? []), asString(field)];
    } else if (field.field !== 11 && field.field !== 12 && !META_IGNORED.has(field.field)) {
      unsupported("ObjectMeta", field);
    }
  }
  const labels = fields.filter((f) => f.field === 11);
  const annotations = fields.filter((f) => f.field === 12);
  if (labels.length > 0) meta.labels = stringMap(labels, asString);
  if (annotations.length > 0) meta.annotations = stringMap(annotations, asString);
  return meta;
}

/** Decodes one typed message given, per field number, what to do with it. */
function message(
  bytes: Uint8Array,
  name: string,
  handlers: Record<number, (fields: WireField[]) => void>,
): void {
  const byNumber = new Map<number, WireField[]>();
  for (const field of readFields(bytes)) {
    if (!handlers[field.field]) unsupported(name, field);
    else byNumber.set(field.field, [...(byNumber.get(field.field) ?? []), field]);
  }
  for (const [number, fields] of byNumber) handlers[number]!(fields);
}

function namespace(raw: Uint8Array): Json {
  const object: Json = { spec: {}, status: {} };
  message(raw, "Namespace", {
    1: ([f]) => (object.metadata = objectMeta(asBytes(f!))),
    2: ([f]) =>
      message(asBytes(f!), "NamespaceSpec", {
        1: (finalizers) => (object.spec = { finalizers: finalizers.map(asString) }),
      }),
    3: ([f]) =>
      message(asBytes(f!), "NamespaceStatus", {
        1: ([phase]) => {
          if (asString(phase!) !== "") object.status = { phase: asString(phase!) };
        },
      }),
  });
  return object;
}

function configMap(raw: Uint8Array): Json {
  const object: Json = {};
  message(raw, "ConfigMap", {
    1: ([f]) => (object.metadata = objectMeta(asBytes(f!))),
    2: (entries) => (object.data = stringMap(entries, asString)),
    3: (entries) => (object.binaryData = stringMap(entries, base64)),
    4: ([f]) => (object.immutable = asNumber(f!) !== 0),
  });
  return object;
}

function secret(raw: Uint8Array): Json {
  const object: Json = {};
  message(raw, "Secret", {
    1: ([f]) => (object.metadata = objectMeta(asBytes(f!))),
    2: (entries) => (object.data = stringMap(entries, base64)),
    3: ([f]) => {
      if (asString(f!) !== "") object.type = asString(f!);
    },
    4: (entries) => (object.stringData = stringMap(entries, asString)),
    5: ([f]) => (object.immutable = asNumber(f!) !== 0),
  });
  return object;
}

/** The kinds whose protobuf bodies this server reads: what kubectl's typed `create` commands send. */
const DECODERS: Record<string, (raw: Uint8Array) => Json> = {
  "v1/Namespace": namespace,
  "v1/ConfigMap": configMap,
  "v1/Secret": secret,
};

function envelope(bytes: Uint8Array): {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  encoding: string;
} {
  if (bytes.length < 4 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new WireFormatError('the body does not start with the "k8s\\0" protobuf prefix');
  const result: { apiVersion: string; kind: string; raw: Uint8Array; encoding: string } = {
    apiVersion: "",
    kind: "",
    raw: new Uint8Array(),
    encoding: "",
  };
  for (const field of readFields(bytes.subarray(4))) {
    if (field.field === 1) {
      for (const typeField of readFields(asBytes(field))) {
        if (typeField.field === 1) result.apiVersion = asString(typeField);
        else if (typeField.field === 2) result.kind = asString(typeField);
      }
    } else if (field.field === 2) result.raw = asBytes(field);
    else if (field.field === 3) result.encoding = asString(field);
  }
  return result;
}

function unsupportedMedia(message: string): ApiError {
  return new ApiError(
    failure(
      415,
      "UnsupportedMediaType",
      `${message}; this test server reads ${PROTOBUF_MEDIA_TYPE} only for ${Object.keys(DECODERS).join(", ")} (send application/json)`,
    ),
  );
}

/** A protobuf request body as the JSON object a JSON client would have sent. */
export function decodeKubeProtobuf(bytes: Uint8Array): Json {
  try {
    const { apiVersion, kind, raw, encoding } = envelope(bytes);
    if (encoding !== "") throw unsupportedMedia(`content encoding "${encoding}"`);
    const decode = DECODERS[`${apiVersion}/${kind}`];
    if (!decode) throw unsupportedMedia(`kind ${apiVersion}/${kind}`);
    return { apiVersion, kind, ...decode(raw) };
  } catch (error) {
    if (error instanceof WireFormatError)
      throw new ApiError(badRequest(`the body of the request is not valid protobuf: ${error.message}`));
    if (error instanceof UnsupportedField) throw unsupportedMedia(`unsupported ${error.message}`);
    throw error;
  }
}
