import { ResourceExpiredError } from "@watchersyncer/core";
import { ApiError, failure, type Status } from "@watchersyncer/k8s-wire";

const JSON_HEADERS = { "Content-Type": "application/json", "Cache-Control": "no-cache, private" };

export function jsonResponse(code: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status: code, headers: { ...JSON_HEADERS, ...headers } });
}

export function statusResponse(status: Status, headers: Record<string, string> = {}): Response {
  return jsonResponse(status.code, status, headers);
}

/** A streamed JSON body (a list in chunks, a watch). */
export function streamResponse(body: ReadableStream<Uint8Array>): Response {
  return new Response(body, { status: 200, headers: JSON_HEADERS });
}

/** The Status a failure is answered with: an ApiError's own, 410 for an expired revision, else 500. */
export function statusOfError(error: unknown): Status {
  if (ApiError.is(error)) return error.status;
  if (ResourceExpiredError.is(error)) return failure(410, "Expired", error.message);
  return failure(500, "InternalError", `Internal error occurred: ${String(error)}`);
}

export function errorResponse(error: unknown): Response {
  if (ApiError.is(error)) return statusResponse(error.status, error.headers);
  return statusResponse(statusOfError(error));
}
