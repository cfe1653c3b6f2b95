import type { IncomingMessage } from "node:http";
import { getPage, type ListRequest, pageQuery } from "./list-request.js";

/**
 * The next page, asked for as soon as the current page's continue token has streamed in (a list's
 * metadata precedes its items), so that the server prepares it while this page is still being
 * parsed (client-go's pager asks only after a page ended). At most one page is ahead.
 */
export class PageAhead {
  private token: string | undefined;
  private response: Promise<IncomingMessage> | undefined;
  private readonly controller = new AbortController();
  private readonly onAbort = () => this.controller.abort(this.request.signal.reason);

  constructor(
    private readonly request: ListRequest,
    private readonly pageSize: number,
  ) {}

  start(token: string | undefined): void {
    if (this.pageSize === 0 || token === undefined || this.response !== undefined) return;
    this.token = token;
    this.request.signal.addEventListener("abort", this.onAbort, { once: true });
    this.response = getPage(
      this.request,
      pageQuery(this.request, this.pageSize, token),
      this.controller.signal,
    );
    // Its failure, if any, is reported when the page is read; until then it is nobody's error.
    this.response.catch(() => {});
  }

  /** Whether the page of `token` was asked for ahead. */
  has(token: string): boolean {
    return this.response !== undefined && this.token === token;
  }

  /** The response for `token`: the one asked for ahead when it was for this token. */
  take(token: string): Promise<IncomingMessage> {
    const { response } = this;
    if (response !== undefined && this.has(token)) {
      this.response = undefined;
      // Until its headers are in, a stop must still reach the request through this link.
      return response.finally(() => this.request.signal.removeEventListener("abort", this.onAbort));
    }
    this.cancel();
    return getPage(this.request, pageQuery(this.request, this.pageSize, token), this.request.signal);
  }

  /** Drops the page asked for ahead: the list failed or ended. */
  cancel(): void {
    this.request.signal.removeEventListener("abort", this.onAbort);
    const { response } = this;
    if (response === undefined) return;
    this.response = undefined;
    this.controller.abort();
    response.then(
      (unread) => unread.destroy(),
      () => {},
    );
  }
}
