import type { IncomingMessage, ServerResponse } from "node:http";
import {
  ApiError,
  badRequest,
  type ListHead,
  listChunks,
  type Status,
  unsupportedMediaType,
} from "@watchersyncer/k8s-wire";
import { decodeKubeProtobuf, PROTOBUF_MEDIA_TYPE } from "./protobuf/kube-protobuf.js";

export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(code, {
    "Content-Type": "application/json",
    "Cache-Control": "no-cache, private",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Sends a list as kube-apiserver does since 1.33 (streaming collection encoding, see the wire's
 * `listChunks`). Waits for the socket to drain between chunks; stops quietly if the client goes away.
 */
export async function sendJsonList(
  res: ServerResponse,
  head: ListHead,
  items: readonly unknown[],
): Promise<void> {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
  const chunks = listChunks(head, items);
  let next = chunks.next();
  while (!next.done) {
    const chunk = next.value;
    next = chunks.next();
    if (next.done) {
      res.end(chunk);
      return;
    }
    if (!res.write(chunk) && !(await drained(res))) return;
  }
}

/** Resolves true once `res` can take more data, false if it closed first. */
function drained(res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onDrain = () => {
      res.off("close", onClose);
      resolve(true);
    };
    const onClose = () => {
      res.off("drain", onDrain);
      resolve(false);
    };
    res.once("drain", onDrain);
    res.once("close", onClose);
  });
}

export function sendStatus(res: ServerResponse, status: Status, headers: Record<string, string> = {}): void {
  sendJson(res, status.code, status, headers);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  sendStatus(res, error.status, error.headers);
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

export async function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new ApiError({
        ...badRequest("request entity too large"),
        code: 413,
        reason: "RequestEntityTooLarge",
      });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBodyBytes(req)).toString("utf8");
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "application/json").split(";")[0]!.trim().toLowerCase();
}

/**
 * The body of a create or update: JSON, or the protobuf kubectl's typed commands send for
 * built-in kinds (decoded to the JSON object a JSON client would have sent).
 */
export async function readObjectBody(req: IncomingMessage): Promise<unknown> {
  if (mediaType(req) !== PROTOBUF_MEDIA_TYPE) return readJsonBody(req);
  const bytes = await readBodyBytes(req);
  if (bytes.length === 0) throw new ApiError(badRequest("the request body is empty"));
  return decodeKubeProtobuf(bytes);
}

/** The request body as JSON; `undefined` when empty and `optional`. */
export async function readJsonBody(
  req: IncomingMessage,
  options: { optional?: boolean } = {},
): Promise<unknown> {
  const text = await readBody(req);
  if (text.trim() === "") {
    if (options.optional) return undefined;
    throw new ApiError(badRequest("the request body is empty"));
  }
  const type = mediaType(req);
  if (!type.includes("json") && type !== "*/*" && type !== "text/plain") {
    throw new ApiError(unsupportedMediaType(type));
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(badRequest(`the body of the request is not valid JSON: ${(error as Error).message}`));
  }
}
