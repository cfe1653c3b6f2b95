import type { IncomingMessage } from "node:http";
import { DatastoreError } from "@watchersyncer/core";
import { abortError } from "./http.js";
import { ListBodyParser } from "./list-body-parser.js";
import { ListSyntaxError } from "./list-body-tokenizer.js";
import { ListPageDecoder } from "./list-page-decoder.js";
import { type ListRequest, listOperation, type OnListPage } from "./list-request.js";

/** The members of a list's `metadata` the pager reads. */
export interface ListMetadata {
  resourceVersion?: unknown;
  continue?: unknown;
}

/**
 * Reads one page's body as it streams in: objects are decoded and handed over after every chunk,
 * so the page is never held whole. `onMember` sees each top-level member but `items` as soon as it
 * is complete. Resolves with the page's metadata.
 */
export async function readListPage(
  request: ListRequest,
  response: IncomingMessage,
  onPage: OnListPage,
  onMember: (name: string, value: unknown) => void,
): Promise<ListMetadata> {
  const operation = listOperation(request);
  const page = new ListPageDecoder(request.resource, request.valueMode);
  const parser = new ListBodyParser((item) => page.add(item, parser.fields), onMember);
  await readBody(response, request, operation, (chunk) => {
    try {
      parser.push(chunk);
    } catch (err) {
      throw notAList(operation, err);
    }
    return page.handOver(onPage, parser.fields);
  });
  try {
    parser.end();
  } catch (err) {
    throw notAList(operation, err);
  }
  page.handOver(onPage, parser.fields, { last: true });
  const metadata = parser.fields.metadata;
  return typeof metadata === "object" && metadata !== null ? (metadata as ListMetadata) : {};
}

function notAList(operation: string, err: unknown): Error {
  if (!(err instanceof ListSyntaxError)) return err as Error;
  return new DatastoreError(`${operation}: response is not a list: ${err.message}`, { cause: err });
}

/**
 * Feeds the body to `onChunk` as it arrives; resolves at its end. A throwing `onChunk` fails the
 * read; a promise from it pauses the reading until it settles (the consumer is behind).
 */
function readBody(
  response: IncomingMessage,
  request: ListRequest,
  operation: string,
  onChunk: (chunk: Uint8Array) => void | Promise<void>,
): Promise<void> {
  const { signal } = request;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      if (err === undefined) {
        resolve();
        return;
      }
      response.destroy();
      reject(readFailure(err, signal, operation));
    };
    const onAbort = () => finish(abortError(signal));
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    response.setTimeout(request.requestTimeoutMs, () => {
      finish(new DatastoreError(`${operation}: no data for ${request.requestTimeoutMs} ms`));
    });
    const resume = () => {
      if (!settled) response.resume();
    };
    response.on("data", (chunk: Uint8Array) => {
      if (settled) return;
      let wait: unknown;
      try {
        wait = onChunk(chunk);
      } catch (err) {
        finish(err);
        return;
      }
      if (wait instanceof Promise) {
        response.pause();
        wait.then(resume, resume);
      }
    });
    response.on("end", () => finish());
    const cutOff = () =>
      new DatastoreError(`${operation}: connection closed before the response was complete`);
    // Node reports a body cut by the server as an error named just "aborted".
    response.on("error", (err) =>
      finish((err as NodeJS.ErrnoException).code === "ECONNRESET" ? cutOff() : err),
    );
    // Destroyed without an error, or cut by the server: the body is incomplete.
    response.on("close", () => finish(cutOff()));
  });
}

/** What a failed read rejects with: the abort's reason, or a `DatastoreError` naming the list. */
function readFailure(err: unknown, signal: AbortSignal, operation: string): Error {
  if (signal.aborted) return abortError(signal);
  if (DatastoreError.is(err)) return err;
  return new DatastoreError(`${operation}: ${err instanceof Error ? err.message : String(err)}`, {
    cause: err,
  });
}
