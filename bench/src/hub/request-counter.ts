import type { Logger } from "@watchersyncer/k8s-test-server";

/**
 * A test-server logger that counts the requests the server gets for a set of collections: lists
 * (a paginated list counts once, on its first page) and watches. The server logs every request
 * at debug level before it routes it.
 */
export class RequestCounter implements Logger {
  lists = 0;
  watches = 0;

  constructor(private readonly collections: ReadonlySet<string>) {}

  reset(): void {
    this.lists = 0;
    this.watches = 0;
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    if (message !== "request" || fields?.method !== "GET" || typeof fields.url !== "string") return;
    const url = new URL(fields.url, "http://localhost");
    if (!this.collections.has(url.pathname)) return;
    const watch = url.searchParams.get("watch");
    if (watch === "true" || watch === "1") this.watches++;
    else if (!url.searchParams.has("continue")) this.lists++;
  }

  info(): void {}
  warn(): void {}
  error(): void {}
}
