import { parseBoolean } from "./read-options.js";
import { ApiError, invalidRequest } from "./status.js";

/** The watch parameters of a request, checked as the apiserver checks them. */
export interface WatchRequest {
  /** As given; "" when absent. */
  resourceVersion: string;
  sendInitialEvents: boolean | undefined;
  allowBookmarks: boolean;
  timeoutMs: number | undefined;
}

function checkInitialEvents(sendInitialEvents: boolean | undefined, match: string, allowBookmarks: boolean) {
  if (sendInitialEvents !== undefined) {
    if (match !== "NotOlderThan") {
      throw new ApiError(
        invalidRequest(
          'resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to "NotOlderThan"',
        ),
      );
    }
    if (!allowBookmarks) {
      throw new ApiError(
        invalidRequest("allowWatchBookmarks: Forbidden: sendInitialEvents requires allowWatchBookmarks=true"),
      );
    }
  } else if (match !== "") {
    throw new ApiError(
      invalidRequest(
        "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
      ),
    );
  }
}

/** `resourceVersion`, `sendInitialEvents`, `allowWatchBookmarks`, `timeoutSeconds`; 422 when they conflict. */
export function parseWatchRequest(query: URLSearchParams): WatchRequest {
  const sendInitialEvents = parseBoolean(query.get("sendInitialEvents"));
  const allowBookmarks = parseBoolean(query.get("allowWatchBookmarks")) === true;
  checkInitialEvents(sendInitialEvents, query.get("resourceVersionMatch") ?? "", allowBookmarks);
  const timeout = query.get("timeoutSeconds");
  const timeoutSeconds = timeout === null || timeout === "" ? undefined : Number(timeout);
  return {
    resourceVersion: query.get("resourceVersion") ?? "",
    sendInitialEvents,
    allowBookmarks,
    timeoutMs: timeoutSeconds !== undefined && timeoutSeconds > 0 ? timeoutSeconds * 1000 : undefined,
  };
}

/** Whether a watch with these parameters starts with the current objects as ADDED events. */
export function sendsInitialEvents(request: WatchRequest): boolean {
  const fromNow = request.resourceVersion === "" || request.resourceVersion === "0";
  return request.sendInitialEvents === true || (request.sendInitialEvents === undefined && fromNow);
}
