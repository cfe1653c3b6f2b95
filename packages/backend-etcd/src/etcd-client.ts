import {
  type DatastoreClient,
  DatastoreError,
  type KVPairList,
  type KVPairListPage,
  type Logger,
  type Revision,
  type Watch,
  type WatchOptions,
} from "@watchersyncer/core";
import { OpenWatches } from "@watchersyncer/core/backend";
import type { IOptions } from "etcd3";
import etcd3 from "etcd3";
import { isInvalidAuthToken } from "./errors.js";
import { type EtcdListOptions, type KeyLayoutOptions, prefixFor, rangeFor } from "./key-layout.js";
import { requireLeaderWatchClient, type WatchStreamOpener } from "./leader-watch-client.js";
import { listSnapshot, listSnapshotInPages, type SnapshotListRequest } from "./list.js";
import { MemberQuarantine } from "./member-quarantine.js";
import {
  ETCD_CLIENT_DEFAULTS,
  type EtcdClientOptions,
  loadTls,
  type ResolvedEtcdOptions,
  resolveOptions,
} from "./options.js";
import { openWatch } from "./watch.js";

/** A `DatastoreClient` over etcd v3. Build one with `createEtcdClient`. */
export class EtcdDatastoreClient implements DatastoreClient<EtcdListOptions> {
  private readonly etcd: InstanceType<typeof etcd3.Etcd3>;
  private readonly options: ResolvedEtcdOptions;
  private readonly logger: Logger;
  private readonly watches = new OpenWatches();
  private readonly quarantine: MemberQuarantine;
  private readonly watchClient: WatchStreamOpener;

  constructor(options: EtcdClientOptions) {
    this.options = resolveOptions(options);
    this.logger = this.options.logger;
    this.quarantine = new MemberQuarantine(this.options.endpoints, this.options.clock);
    this.etcd = new etcd3.Etcd3(etcd3Options(options, this.options, this.quarantine));
    this.watchClient = requireLeaderWatchClient(this.etcd);
  }

  get layout(): KeyLayoutOptions {
    return this.options.layout;
  }

  /** Throws `UnknownKindError` for a kind with neither a Calico layout nor a prefix (no I/O). */
  checkListOptions(options: EtcdListOptions): void {
    prefixFor(options, this.options.layout);
  }

  async list(options: EtcdListOptions, revision: Revision, signal: AbortSignal): Promise<KVPairList> {
    return listSnapshot(this.snapshotRequest(options, revision, signal));
  }

  /**
   * The same snapshot as `list`, handed over page by page, so the syncer applies each page while
   * etcd reads the next one and nobody holds the whole prefix at once. The syncer prefers it.
   */
  async listInPages(
    options: EtcdListOptions,
    revision: Revision,
    signal: AbortSignal,
    onPage: (page: KVPairListPage) => void,
  ): Promise<{ revision: Revision }> {
    return listSnapshotInPages(this.snapshotRequest(options, revision, signal), onPage);
  }

  async watch(options: EtcdListOptions, watchOptions: WatchOptions, signal: AbortSignal): Promise<Watch> {
    this.assertOpen();
    const watch = await openWatch({
      watchClient: this.watchClient,
      range: rangeFor(options, this.options.layout),
      revision: watchOptions.revision,
      allowWatchBookmarks: watchOptions.allowWatchBookmarks,
      previousValues: this.options.previousValues,
      stallTimeoutMs: this.options.stallTimeoutMs,
      progressRequestIntervalMs: this.options.progressRequestIntervalMs,
      memberTimeoutMs: this.options.memberTimeoutMs,
      signal,
      logger: this.logger,
      clock: this.options.clock,
      onStreamError: (err) => this.onStreamError(err),
      onMemberHung: (stream) => this.onMemberHung(stream),
      onEnded: (ended) => this.watches.delete(ended),
    });
    // close() stops the watches still running (and one that opened too late, at once); one that
    // ended before this line never joins them.
    if (!watch.isEnded) this.watches.add(watch);
    return watch;
  }

  async close(): Promise<void> {
    if (this.watches.closed) return;
    this.watches.close();
    this.etcd.close();
  }

  private snapshotRequest(
    options: EtcdListOptions,
    revision: Revision,
    signal: AbortSignal,
  ): SnapshotListRequest {
    this.assertOpen();
    return {
      kv: this.etcd.kv,
      range: rangeFor(options, this.options.layout),
      revision,
      pageSize: this.options.pageSize,
      maxReceiveMessageBytes: this.options.maxReceiveMessageBytes,
      requestTimeoutMs: this.options.requestTimeoutMs,
      signal,
      logger: this.logger,
    };
  }

  /**
   * etcd3 refreshes an expired auth token for unary calls but not for watch streams; a restarted
   * etcd forgets every token, so drop ours and let the next call authenticate again.
   */
  private onStreamError(err: unknown): void {
    if (!isInvalidAuthToken(err)) return;
    this.logger.info("etcd rejected the auth token; authenticating again");
    const pool = (this.etcd as unknown as { pool?: { authenticator?: { invalidateMetadata?(): void } } })
      .pool;
    pool?.authenticator?.invalidateMetadata?.();
  }

  /** Sends the next calls to other members, on fresh connections once this one is tried again. */
  private onMemberHung(stream: object): void {
    const member = this.quarantine.memberOf(stream);
    if (member === undefined) return;
    this.logger.warn("etcd member stopped answering; avoiding it", { member });
    this.quarantine.avoid(member, this.options.stallTimeoutMs);
    const pool = (this.etcd as unknown as { pool?: { hosts?: { host: string; resetAllServices(): void }[] } })
      .pool;
    for (const host of pool?.hosts ?? []) if (host.host === member) host.resetAllServices();
  }

  private assertOpen(): void {
    if (this.watches.closed) throw new DatastoreError("EtcdDatastoreClient is closed");
  }
}

export function createEtcdClient(options: EtcdClientOptions): EtcdDatastoreClient {
  return new EtcdDatastoreClient(options);
}

type FaultPolicy = NonNullable<NonNullable<IOptions["faultHandling"]>["global"]>;

/** A policy that runs the call once: retries and re-lists are the syncer's job, not etcd3's. */
const runOnce = {
  execute: <T>(fn: (context: { signal: AbortSignal; attempt: number }) => T | Promise<T>) =>
    Promise.resolve().then(() => fn({ signal: new AbortController().signal, attempt: 0 })),
} as unknown as FaultPolicy;

function etcd3Options(
  options: EtcdClientOptions,
  resolved: ResolvedEtcdOptions,
  quarantine: MemberQuarantine,
): IOptions {
  const result: IOptions = {
    hosts: resolved.endpoints,
    grpcOptions: {
      "grpc.max_receive_message_length":
        options.maxReceiveMessageBytes ?? ETCD_CLIENT_DEFAULTS.maxReceiveMessageBytes,
      "grpc.max_send_message_length": 16 * 1024 * 1024,
      ...options.grpcOptions,
    },
    // The default circuit breaker refuses calls for 5 s after three failures, which would delay
    // every recovery after an etcd restart; the syncer already paces its retries. Per host, calls
    // run once as well, and steer clear of members that stopped answering.
    faultHandling: {
      host: (host) => quarantine.policyFor(host),
      global: runOnce,
    },
  };
  if (options.tls !== undefined) {
    const tls = loadTls(options.tls);
    result.credentials = {
      rootCertificate: tls.ca as Buffer,
      ...(tls.key ? { privateKey: tls.key } : {}),
      ...(tls.cert ? { certChain: tls.cert } : {}),
    };
  }
  if (options.username !== undefined || options.password !== undefined) {
    if (!options.username || options.password === undefined) {
      throw new RangeError("username and password go together");
    }
    result.auth = {
      username: options.username,
      password: options.password,
      callOptions: () => ({ deadline: Date.now() + resolved.requestTimeoutMs }),
    };
  }
  return result;
}
