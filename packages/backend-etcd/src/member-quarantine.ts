import type { Clock } from "@watchersyncer/core";
import type { IOptions } from "etcd3";
import { isFutureRevision } from "./errors.js";

type FaultPolicy = NonNullable<NonNullable<IOptions["faultHandling"]>["global"]>;

/** What etcd3's pool sees when a member is avoided: it moves on to the next host without calling. */
export class MemberAvoidedError extends Error {
  constructor(host: string) {
    super(`etcd member ${host} is avoided for now (it stopped answering): no connection tried`);
    this.name = "MemberAvoidedError";
  }
}

/**
 * Steers etcd3's host pool away from members that stopped answering. etcd3 tries the hosts in a
 * shuffled order and moves on to the next one when a host's fault policy refuses a call without
 * running it; this class is that per-host policy. It runs every call once (retries are the
 * syncer's job) and refuses calls to an avoided member while another member is not avoided, so a
 * hung member is never the only way left to reach etcd.
 *
 * A member that answers "required revision is a future revision" lags behind the others (it
 * serves a serializable read at a revision it has not applied yet that way); it is avoided for
 * {@link laggingMemberAvoidMs}, so the caller's retry of the same revision goes to another member.
 *
 * It also remembers which member each call's result (e.g. a watch stream) came from.
 */
export class MemberQuarantine {
  private readonly avoidedUntil = new Map<string, number>();
  private readonly origin = new WeakMap<object, string>();

  constructor(
    private readonly hosts: readonly string[],
    private readonly clock: Clock,
  ) {}

  /** The fault policy etcd3 runs each call to `host` through (`faultHandling.host`). */
  policyFor(host: string): FaultPolicy {
    const name = hostName(host);
    const policy = {
      execute: async <T>(fn: (context: { signal: AbortSignal; attempt: number }) => T | Promise<T>) => {
        if (this.isAvoided(name) && this.hosts.some((other) => !this.isAvoided(hostName(other)))) {
          throw new MemberAvoidedError(name);
        }
        let result: T;
        try {
          result = await fn({ signal: new AbortController().signal, attempt: 0 });
        } catch (err) {
          if (isFutureRevision(err)) this.avoid(name, laggingMemberAvoidMs);
          throw err;
        }
        if (typeof result === "object" && result !== null) this.origin.set(result, name);
        return result;
      },
    };
    return policy as unknown as FaultPolicy;
  }

  /** The member a call's result came from (host:port), when this pool made the call. */
  memberOf(result: object): string | undefined {
    return this.origin.get(result);
  }

  /** Keeps calls away from `member` for `ms`, while another member is not avoided. */
  avoid(member: string, ms: number): void {
    this.avoidedUntil.set(hostName(member), this.clock.now() + ms);
  }

  isAvoided(member: string): boolean {
    const until = this.avoidedUntil.get(hostName(member));
    if (until === undefined) return false;
    if (this.clock.now() < until) return true;
    this.avoidedUntil.delete(hostName(member));
    return false;
  }
}

/**
 * How long a member that lagged behind a requested revision is avoided. A member resumed after a
 * pause catches up on a few hundred writes within about 100 ms; this leaves it time to, without
 * keeping a healthy member out of the rotation for long.
 */
export const laggingMemberAvoidMs = 1_000;

/** etcd3 names hosts without their scheme. */
function hostName(host: string): string {
  return host.replace(/^[a-z]+:\/\//i, "");
}
