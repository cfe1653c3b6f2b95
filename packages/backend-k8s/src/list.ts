import { DatastoreError, type KVPairList, ResourceExpiredError, type Revision } from "@watchersyncer/core";
import { ListCollector } from "@watchersyncer/core/backend";
import type { KubernetesObject } from "./decode.js";
import { type ListMetadata, readListPage } from "./list-page-reader.js";
import { getPage, type ListRequest, listOperation, type OnListPage, pageQuery } from "./list-request.js";
import { PageAhead } from "./page-ahead.js";
import { describeResource } from "./resources.js";
import { checkResourceVersion } from "./server-text.js";

/**
 * What a caller that collects the list must hear besides its parts: `restart` when the list starts
 * over (an expired continue token), `expectRepeats` when a page is read again. Core's
 * `ListCollector` is one.
 */
export type ListRepeats = Pick<ListCollector, "restart" | "expectRepeats">;

/**
 * Lists every object of one resource, page by page as client-go's pager does, handing the objects
 * to `onPage` while each page is still arriving. When a continue token expires (410) midway, the
 * list is taken again in one piece, since a token cannot be renewed; objects handed over before
 * are handed over again, which the syncer ignores (same revision). Resolves with the list's
 * `metadata.resourceVersion`, the point a watch resumes from.
 */
export async function listResourceInPages(
  request: ListRequest,
  onPage: OnListPage,
  repeats?: ListRepeats,
): Promise<Revision> {
  try {
    return await listPaged(request, request.pageSize, onPage, repeats);
  } catch (err) {
    if (!(err instanceof ContinueExpired)) throw err;
    request.logger.info("continue token expired; listing again without pagination", {
      resource: describeResource(request.resource, request.options.namespace),
    });
    repeats?.restart();
    return await listPaged(request, 0, onPage, repeats);
  }
}

/** The whole list at once, one snapshot, for callers of `list()`. */
export async function listResource(request: ListRequest): Promise<KVPairList<KubernetesObject>> {
  const collector = new ListCollector<KubernetesObject>();
  const revision = await listResourceInPages(request, collector.onPage, collector);
  return collector.finish(revision);
}

/** Marks a 410 on a continuation page, as opposed to one on the first page. */
class ContinueExpired extends Error {}

async function listPaged(
  request: ListRequest,
  pageSize: number,
  onPage: OnListPage,
  repeats: ListRepeats | undefined,
): Promise<Revision> {
  // The token that asked for the page being read; undefined for the first page.
  let token: string | undefined;
  let response = getPage(request, pageQuery(request, pageSize, undefined), request.signal);
  let askedAhead = false;
  for (;;) {
    const ahead = new PageAhead(request, pageSize);
    let metadata: ListMetadata;
    try {
      metadata = await readListPage(request, await response, onPage, (name, value) => {
        if (name === "metadata") ahead.start(continueOf(value));
      });
    } catch (err) {
      ahead.cancel();
      if (token !== undefined && ResourceExpiredError.is(err)) throw new ContinueExpired();
      if (askedAhead && !request.signal.aborted) {
        // A page asked for ahead waited unread while a slow consumer held up the page before, long
        // enough for a server's request timeout to cut it. Asking again now, as a pager that never
        // reads ahead would have, keeps such a consumer from failing the same page forever.
        request.logger.info("a page asked for ahead failed; asking for it again", {
          resource: describeResource(request.resource, request.options.namespace),
          error: err instanceof Error ? err.message : String(err),
        });
        repeats?.expectRepeats();
        response = getPage(request, pageQuery(request, pageSize, token), request.signal);
        askedAhead = false;
        continue;
      }
      throw err;
    }
    const next = continueOf(metadata);
    if (next === undefined) {
      ahead.cancel();
      const checked = checkResourceVersion(metadata.resourceVersion);
      if (!checked.ok) throw new DatastoreError(`${listOperation(request)}: the list's ${checked.why}`);
      if (checked.revision === undefined) {
        throw new DatastoreError(`${listOperation(request)}: no metadata.resourceVersion`);
      }
      return checked.revision;
    }
    token = next;
    askedAhead = ahead.has(next);
    response = ahead.take(next);
  }
}

function continueOf(metadata: unknown): string | undefined {
  const token =
    typeof metadata === "object" && metadata !== null ? (metadata as ListMetadata).continue : undefined;
  return typeof token === "string" && token !== "" ? token : undefined;
}
