import {
  ApiError,
  gatewayTimeout,
  tooLargeResourceVersion,
  tooManyRequests,
  watchExpired,
} from "@watchersyncer/k8s-wire";
import type { Logger } from "./logger.js";
import type { WatchStream } from "./watch-stream.js";

export interface TooManyRequestsFault {
  /** How many matching requests get the 429. */
  count: number;
  /** Sent as the Retry-After header and details.retryAfterSeconds. Default 1. */
  retryAfterSeconds?: number;
  /** Only requests whose path contains this string match. Default: every API request. */
  path?: string;
}

export interface GatewayTimeoutFault {
  /** How many matching read requests (get, list, watch) get the 504. */
  count: number;
  /** Answer with the "Too large resource version" Status (default true); false gives a plain timeout. */
  tooLargeResourceVersion?: boolean;
  /** Only requests whose path contains this string match. */
  path?: string;
}

/** Failure modes a test can switch on, programmatically or over `/__test__/faults/...`. */
export interface Faults {
  tooManyRequests(options: TooManyRequestsFault): void;
  gatewayTimeout(options: GatewayTimeoutFault): void;
  /** Ends every open watch stream cleanly (terminating chunk, no error). */
  dropWatches(): void;
  /** Stops writing to open watch streams and holds new requests until `resume()`. */
  stall(): void;
  resume(): void;
  /** Sends an in-stream ERROR 410 Expired to every open watch, then ends it. */
  expireWatches(): void;
  /** Writes a line that is not JSON into every open watch stream. */
  corruptNextWatchLine(): void;
  /** Forgets pending request faults and resumes. */
  clear(): void;
}

export interface RequestInfo {
  pathname: string;
  /** get, list or watch of a resource (what a 504 from the watch cache can hit). */
  isResourceRead: boolean;
}

interface Armed<T> {
  remaining: number;
  options: T;
}

export const CORRUPT_WATCH_LINE = '{"type":"MODIFIED","object":{"kind": this is not JSON';

export class FaultInjector implements Faults {
  readonly #watches: ReadonlySet<WatchStream>;
  readonly #revision: () => number;
  readonly #logger: Logger;
  #tooMany: Armed<TooManyRequestsFault>[] = [];
  #timeouts: Armed<GatewayTimeoutFault>[] = [];
  #stalled = false;
  #held: Array<(proceed: boolean) => void> = [];

  constructor(deps: { watches: ReadonlySet<WatchStream>; revision: () => number; logger: Logger }) {
    this.#watches = deps.watches;
    this.#revision = deps.revision;
    this.#logger = deps.logger;
  }

  get stalled(): boolean {
    return this.#stalled;
  }

  tooManyRequests(options: TooManyRequestsFault): void {
    this.#tooMany.push({ remaining: options.count, options });
  }

  gatewayTimeout(options: GatewayTimeoutFault): void {
    this.#timeouts.push({ remaining: options.count, options });
  }

  dropWatches(): void {
    this.#logger.debug("fault: dropping watches", { count: this.#watches.size });
    for (const watch of [...this.#watches]) watch.end();
  }

  stall(): void {
    this.#stalled = true;
  }

  resume(): void {
    this.#stalled = false;
    for (const watch of [...this.#watches]) watch.flush();
    const held = this.#held;
    this.#held = [];
    for (const release of held) release(true);
  }

  expireWatches(): void {
    const revision = this.#revision();
    for (const watch of [...this.#watches]) watch.fail(watchExpired(revision, revision + 1));
  }

  corruptNextWatchLine(): void {
    for (const watch of this.#watches) watch.writeRawLine(CORRUPT_WATCH_LINE);
  }

  clear(): void {
    this.#tooMany = [];
    this.#timeouts = [];
    this.resume();
  }

  /** Resolves true when the request may proceed, false when the server dropped it meanwhile. */
  waitUntilResumed(): Promise<boolean> {
    if (!this.#stalled) return Promise.resolve(true);
    return new Promise((resolve) => this.#held.push(resolve));
  }

  /** Releases held requests without serving them (restart, close); stalling ends too. */
  dropHeld(): void {
    this.#stalled = false;
    const held = this.#held;
    this.#held = [];
    for (const release of held) release(false);
  }

  /** The error the request must get instead of being served, if an armed fault matches it. */
  takeRequestFault(request: RequestInfo): ApiError | undefined {
    const tooMany = take(this.#tooMany, (o) => matchesPath(o.path, request.pathname));
    if (tooMany) {
      const seconds = tooMany.retryAfterSeconds ?? 1;
      return new ApiError(tooManyRequests(seconds), { "Retry-After": String(seconds) });
    }
    const timeout = take(
      this.#timeouts,
      (o) => request.isResourceRead && matchesPath(o.path, request.pathname),
    );
    if (timeout) {
      const revision = this.#revision();
      const status =
        timeout.tooLargeResourceVersion === false
          ? gatewayTimeout()
          : tooLargeResourceVersion(revision + 1, revision);
      return new ApiError(status, { "Retry-After": "1" });
    }
    return undefined;
  }
}

function matchesPath(path: string | undefined, pathname: string): boolean {
  return path === undefined || pathname.includes(path);
}

function take<T>(armed: Armed<T>[], matches: (options: T) => boolean): T | undefined {
  const entry = armed.find((a) => a.remaining > 0 && matches(a.options));
  if (!entry) return undefined;
  entry.remaining--;
  if (entry.remaining <= 0) armed.splice(armed.indexOf(entry), 1);
  return entry.options;
}
