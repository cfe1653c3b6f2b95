import {
  ConnectionRefusedError,
  DatastoreError,
  ResourceDoesNotExistError,
  ResourceExpiredError,
  TooManyRequestsError,
} from "@watchersyncer/core";
import { redactedUrl } from "./redacted-url.js";
import { clipServerText } from "./server-text.js";

/**
 * The most of a Status message (or of a body that is not one) quoted in an error. More than the
 * usual bound on server text: the API server's own messages (forbidden: user … cannot list …)
 * run to about 200 characters and are what tells the reader what went wrong.
 */
const MAX_STATUS_DETAIL = 240;

/** The parts of a `metav1.Status` this backend looks at. */
export interface KubernetesStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { retryAfterSeconds?: number; causes?: { reason?: string; message?: string }[] };
}

export interface StatusContext {
  /** What was being done, e.g. "list networkpolicies (crd.projectcalico.org/v1)". */
  operation: string;
  /** HTTP status; for an in-stream `ERROR` event, the Status' `code`. */
  code: number;
  status?: KubernetesStatus;
  /** Raw `Retry-After` header, when the failure was an HTTP response. */
  retryAfter?: string;
  /** Response body when it was not a Status, for the message. */
  bodyText?: string;
}

/** Reads a body as a `metav1.Status`, or undefined when it is not one. */
export function parseStatus(text: string): KubernetesStatus | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      return parsed as KubernetesStatus;
    }
  } catch {
    // Not JSON: a proxy's HTML page, say. The caller falls back to the raw text.
  }
  return undefined;
}

/**
 * client-go's `IsTooLargeResourceVersionError`: the server has not caught up with the requested
 * revision. Relisting from "" is the way out, as for an expired revision.
 */
export function isTooLargeResourceVersion(code: number, status: KubernetesStatus | undefined): boolean {
  if (code !== 504 || status === undefined) return false;
  if (status.details?.causes?.some((c) => c.reason === "ResourceVersionTooLarge")) return true;
  return (status.message ?? "").includes("Too large resource version");
}

/** Retry-After is either seconds or an HTTP date; Status details may also carry seconds. */
export function retryAfterMs(header: string | undefined, status?: KubernetesStatus): number | undefined {
  if (header !== undefined && header.trim() !== "") {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  const fromStatus = status?.details?.retryAfterSeconds;
  return typeof fromStatus === "number" && fromStatus >= 0 ? fromStatus * 1000 : undefined;
}

/**
 * A failure the core has no special class for (401, 403, 5xx, …), keeping the HTTP code and
 * Status for callers that look closer. It is a plain `DatastoreError` to the core.
 */
export class KubernetesApiError extends DatastoreError {
  constructor(
    message: string,
    readonly code: number,
    readonly status: KubernetesStatus | undefined,
  ) {
    super(message);
  }
}

/** Maps an HTTP failure or an in-stream `ERROR` Status to the core's error classes. */
export function statusToDatastoreError(context: StatusContext): DatastoreError {
  const { code, status, operation } = context;
  const rawDetail = typeof status?.message === "string" ? status.message : (context.bodyText ?? "");
  const detail = clipServerText(rawDetail, MAX_STATUS_DETAIL);
  const reason =
    typeof status?.reason === "string" && status.reason !== "" ? ` ${clipServerText(status.reason)}` : "";
  const message = `${operation}: HTTP ${code}${reason}${detail ? `: ${detail}` : ""}`;
  if (code === 410 || status?.reason === "Expired" || status?.reason === "Gone") {
    return new ResourceExpiredError(message);
  }
  if (isTooLargeResourceVersion(code, status)) return new ResourceExpiredError(message);
  if (code === 429) {
    return new TooManyRequestsError(message, { retryAfterMs: retryAfterMs(context.retryAfter, status) });
  }
  if (code === 404) {
    return new ResourceDoesNotExistError(`${message} (is the resource's API or CRD installed?)`);
  }
  if (code === 401) {
    return new KubernetesApiError(`${operation}: unauthorized (HTTP 401): ${detail}`, code, status);
  }
  if (code === 403)
    return new KubernetesApiError(`${operation}: forbidden (HTTP 403): ${detail}`, code, status);
  return new KubernetesApiError(message, code, status);
}

/**
 * Failures to reach the server at all, before anything was sent: the name does not resolve (now),
 * or no route leads there. Like a refused connection they say nothing about the watch's revision,
 * so the core retries at the same revision instead of counting them towards a relist (as the etcd
 * backend treats them too). A reset or a timeout after connecting stays a plain DatastoreError.
 */
const UNREACHABLE_CODES: ReadonlySet<unknown> = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
]);

/**
 * Maps a thrown error, a transport failure (no HTTP response) above all, to the core's error
 * classes; a `DatastoreError` is returned as it is. `context` is what was being done ("list
 * networkpolicies (…)"), `server` the API server it went to (printed without its userinfo).
 */
export function toDatastoreError(err: unknown, context: string, server?: string): DatastoreError {
  if (DatastoreError.is(err)) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const text = err instanceof Error ? err.message : String(err);
  if (code === "ECONNREFUSED") {
    const by = server === undefined ? "" : ` by ${redactedUrl(server)}`;
    return new ConnectionRefusedError(`${context}: connection refused${by}`, { cause: err });
  }
  if (UNREACHABLE_CODES.has(code)) {
    const where = server === undefined ? "the server" : redactedUrl(server);
    return new ConnectionRefusedError(`${context}: cannot reach ${where}: ${text}`, { cause: err });
  }
  return new DatastoreError(`${context}: ${text}`, { cause: err });
}

/** @deprecated use {@link statusToDatastoreError} */
export const errorFromStatus = statusToDatastoreError;
