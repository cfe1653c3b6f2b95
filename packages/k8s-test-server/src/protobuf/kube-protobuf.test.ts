import { ApiError } from "@watchersyncer/k8s-wire";
import { describe, expect, it } from "vitest";
import { decodeKubeProtobuf } from "./kube-protobuf.js";

/** Bodies captured from kubectl v1.32 (`-v=9`), as hex. */
const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ""), "hex");

const NAMESPACE =
  hex(`6b 38 73 00 0a 0f 0a 02 76 31 12 09 4e 61 6d 65 73 70 61 63 65 12 1c 0a 14 0a 04 64 65 6d
  6f 12 00 1a 00 22 00 2a 00 32 00 38 00 42 00 12 00 1a 02 0a 00 1a 00 22 00`);
const CONFIGMAP =
  hex(`6b 38 73 00 0a 0f 0a 02 76 31 12 09 43 6f 6e 66 69 67 4d 61 70 12 26 0a 14 0a 01 78 12 00
  1a 03 6e 73 31 22 00 2a 00 32 00 38 00 42 00 12 06 0a 01 61 12 01 62 12 06 0a 01 63 12 01 64 1a 00 22 00`);
const SECRET = hex(`6b 38 73 00 0a 0c 0a 02 76 31 12 06 53 65 63 72 65 74 12 27 0a 14 0a 01 73 12 00 1a 03 6e
  73 31 22 00 2a 00 32 00 38 00 42 00 12 06 0a 01 61 12 01 62 1a 07 6d 79 2f 74 79 70 65 1a 00 22 00`);

function rejection(bytes: Uint8Array): ApiError {
  try {
    decodeKubeProtobuf(bytes);
  } catch (error) {
    if (ApiError.is(error)) return error;
    throw error;
  }
  throw new Error("decoded without an error");
}

/** A runtime.Unknown envelope around `raw` (all lengths < 128). */
function envelope(apiVersion: string, kind: string, raw: number[]): Buffer {
  const str = (field: number, text: string) => [(field << 3) | 2, text.length, ...Buffer.from(text)];
  const typeMeta = [...str(1, apiVersion), ...str(2, kind)];
  return Buffer.from([0x6b, 0x38, 0x73, 0, 0x0a, typeMeta.length, ...typeMeta, 0x12, raw.length, ...raw]);
}

describe("decodeKubeProtobuf", () => {
  it("decodes kubectl's Namespace, ConfigMap and Secret bodies into their JSON form", () => {
    expect(decodeKubeProtobuf(NAMESPACE)).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "demo" },
      spec: {},
      status: {},
    });
    expect(decodeKubeProtobuf(CONFIGMAP)).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "x", namespace: "ns1" },
      data: { a: "b", c: "d" },
    });
    expect(decodeKubeProtobuf(SECRET)).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", namespace: "ns1" },
      data: { a: "Yg==" },
      type: "my/type",
    });
  });

  it("decodes labels, annotations, finalizers and immutable", () => {
    const entry = (k: string, v: string) => [
      0x0a,
      k.length,
      ...Buffer.from(k),
      0x12,
      v.length,
      ...Buffer.from(v),
    ];
    const label = entry("app", "web");
    const annotation = entry("note", "");
    const meta = [
      0x0a,
      1,
      0x63,
      0x5a,
      label.length,
      ...label,
      0x62,
      annotation.length,
      ...annotation,
      0x72,
      1,
      0x66,
    ];
    const raw = [0x0a, meta.length, ...meta, 0x20, 1];
    expect(decodeKubeProtobuf(envelope("v1", "ConfigMap", raw))).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", labels: { app: "web" }, annotations: { note: "" }, finalizers: ["f"] },
      immutable: true,
    });
  });

  it("answers 415 for kinds and fields it cannot read, and 400 for bytes that are not protobuf", () => {
    const service = rejection(envelope("v1", "Service", []));
    expect(service.code).toBe(415);
    expect(service.message).toContain("v1/Service");
    expect(service.message).toContain("send application/json");
    const unknownField = rejection(envelope("v1", "ConfigMap", [0x58, 1])); // field 11 = 1
    expect(unknownField.code).toBe(415);
    expect(unknownField.message).toContain("ConfigMap field 11");
    expect(decodeKubeProtobuf(envelope("v1", "ConfigMap", [0x58, 0]))).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
    });
    expect(rejection(Buffer.from('{"kind":"ConfigMap"}')).code).toBe(400);
    expect(rejection(CONFIGMAP.subarray(0, CONFIGMAP.length - 10)).code).toBe(400);
  });
});
