import type { IncomingMessage, ServerResponse } from "node:http";
import { badRequest, pathNotFound } from "@watchersyncer/k8s-wire";
import type { Faults } from "../faults.js";
import { readJsonBody, sendJson, sendStatus } from "../http.js";
import { isObject } from "../store.js";
import type { HandlerContext } from "./context.js";

export const TEST_API_PREFIX = "/__test__/";

const FAULTS_WITH_OPTIONS = new Set(["tooManyRequests", "gatewayTimeout"]);
const FAULTS_WITHOUT_OPTIONS = new Set([
  "dropWatches",
  "stall",
  "resume",
  "expireWatches",
  "corruptNextWatchLine",
  "clear",
]);

/**
 * Control plane for tests in other processes:
 * GET /__test__/state, POST /__test__/compact {resourceVersion?}, POST /__test__/faults/<name> {options}.
 * Never subject to faults or stalls.
 */
export async function handleTestApi(
  ctx: HandlerContext,
  pathname: string,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const action = pathname.slice(TEST_API_PREFIX.length).replace(/\/+$/, "");
  if (req.method === "GET" && action === "state") {
    sendJson(res, 200, {
      resourceVersion: String(ctx.store.revision),
      compactedResourceVersion: String(ctx.store.compactedRevision),
      openWatches: ctx.watches.size,
      stalled: ctx.faults.stalled,
    });
    return;
  }
  if (req.method !== "POST") {
    sendStatus(res, pathNotFound());
    return;
  }
  const body = await readJsonBody(req, { optional: true });
  const options = isObject(body) ? body : {};
  if (action === "compact") {
    const rv = options.resourceVersion;
    if (rv !== undefined && (typeof rv !== "string" || !/^\d+$/.test(rv))) {
      sendStatus(res, badRequest(`resourceVersion must be a decimal string, got ${JSON.stringify(rv)}`));
      return;
    }
    ctx.store.compact(rv === undefined ? undefined : Number(rv));
    sendJson(res, 200, { compactedResourceVersion: String(ctx.store.compactedRevision) });
    return;
  }
  const fault = action.startsWith("faults/") ? action.slice("faults/".length) : "";
  if (FAULTS_WITH_OPTIONS.has(fault)) {
    if (typeof options.count !== "number") {
      sendStatus(res, badRequest(`${fault} needs a numeric "count"`));
      return;
    }
    (ctx.faults[fault as keyof Faults] as (o: unknown) => void).call(ctx.faults, options);
  } else if (FAULTS_WITHOUT_OPTIONS.has(fault)) {
    (ctx.faults[fault as keyof Faults] as () => void).call(ctx.faults);
  } else {
    sendStatus(res, pathNotFound());
    return;
  }
  sendJson(res, 200, { fault, openWatches: ctx.watches.size });
}
