import type { ResourceRegistry } from "@watchersyncer/k8s-wire";
import type { FaultInjector } from "../faults.js";
import type { Logger } from "../logger.js";
import type { Store } from "../store.js";
import type { WatchStream } from "../watch-stream.js";

/** What every handler may use; one per server, surviving restarts. */
export interface HandlerContext {
  store: Store;
  /** What is served now: built-in kinds plus those of installed CRDs. */
  registry: ResourceRegistry;
  faults: FaultInjector;
  watches: Set<WatchStream>;
  logger: Logger;
  bookmarkIntervalMs: number;
  /** Whether `/api` and `/apis` answer aggregated discovery to clients that ask for it. */
  aggregatedDiscovery: boolean;
  /** How long a read at a future resourceVersion waits before 504 "Too large resource version". */
  freshnessTimeoutMs: number;
  /** "127.0.0.1:PORT" */
  hostPort(): string;
}
