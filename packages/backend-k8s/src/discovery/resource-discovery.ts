import type { Clock } from "@watchersyncer/core";
import { abortable } from "@watchersyncer/core/backend";
import type { DiscoveredResource } from "./discovered-resource.js";
import { matchResource } from "./match-resource.js";

export interface ResourceDiscoveryOptions {
  /** Fetches everything the server serves (see `fetchDiscovery`). */
  fetch(signal: AbortSignal): Promise<DiscoveredResource[]>;
  clock: Clock;
  /** The least time between two fetches after the first: a miss or a 404 refreshes no faster. */
  refreshIntervalMs: number;
}

/**
 * The server's discovery, fetched on the first lookup and kept. A name that matches nothing, or a
 * resource the server answered 404 for ({@link invalidate}), fetches it again, at most once per
 * `refreshIntervalMs`, so a CRD installed later is found by the next poll after that, and a
 * syncer polling a name that stays unknown does not fetch discovery on every attempt. Lookups at
 * the same time share one fetch.
 */
export class ResourceDiscovery {
  private resources: DiscoveredResource[] | undefined;
  private inFlight: Promise<DiscoveredResource[]> | undefined;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private stale = false;
  /** Ends a fetch no caller waits for any more when the client closes. */
  private readonly closing = new AbortController();

  constructor(private readonly options: ResourceDiscoveryOptions) {}

  /** The resource `name` means (kubectl's rules, see `matchResource`), or undefined when none. */
  async lookup(name: string, signal: AbortSignal): Promise<DiscoveredResource | undefined> {
    let resources = this.resources;
    if (resources === undefined || (this.stale && this.mayRefresh())) resources = await this.fetch(signal);
    const found = matchResource(name, resources);
    if (found !== undefined || !this.mayRefresh()) return found;
    return matchResource(name, await this.fetch(signal));
  }

  /** What is known may be out of date (the server answered 404): the next lookup may fetch again. */
  invalidate(): void {
    this.stale = true;
  }

  close(): void {
    this.closing.abort(new Error("the client is closed"));
  }

  private mayRefresh(): boolean {
    return this.options.clock.now() - this.fetchedAt >= this.options.refreshIntervalMs;
  }

  private fetch(signal: AbortSignal): Promise<DiscoveredResource[]> {
    if (this.inFlight === undefined) {
      // Counted from the start, so that failing fetches are spaced out as well.
      this.fetchedAt = this.options.clock.now();
      this.inFlight = this.options
        .fetch(this.closing.signal)
        .then((resources) => {
          this.resources = resources;
          this.stale = false;
          return resources;
        })
        .finally(() => {
          this.inFlight = undefined;
        });
    }
    return abortable(this.inFlight, signal);
  }
}
