import { afterEach, beforeEach } from "vitest";
import { startTestServer, type TestServer, type TestServerOptions } from "../src/index.js";

export const NETWORK_POLICIES = { group: "crd.projectcalico.org", version: "v1", plural: "networkpolicies" };
export const GLOBAL_NETWORK_POLICIES = {
  group: "crd.projectcalico.org",
  version: "v1",
  plural: "globalnetworkpolicies",
};
export const PODS = { group: "", version: "v1", plural: "pods" };
export const NAMESPACES = { group: "", version: "v1", plural: "namespaces" };

export const NP_PATH = "/apis/crd.projectcalico.org/v1/networkpolicies";
export const npPath = (namespace: string, name = "") =>
  `/apis/crd.projectcalico.org/v1/namespaces/${namespace}/networkpolicies${name ? `/${name}` : ""}`;

// biome-ignore lint/suspicious/noExplicitAny: wire JSON in tests is read without a schema
export type Json = Record<string, any>;

export function networkPolicy(name: string, namespace = "ns1", extra: Json = {}): Json {
  return {
    apiVersion: "crd.projectcalico.org/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace, ...(extra.metadata ?? {}) },
    spec: { selector: "all()", order: 100, ...(extra.spec ?? {}) },
  };
}

/** A fresh server per test, closed afterwards. */
export function useServer(options: TestServerOptions = {}): { readonly server: TestServer } {
  const holder = {} as { server: TestServer };
  beforeEach(async () => {
    holder.server = await startTestServer(options);
  });
  afterEach(async () => {
    await holder.server.close();
  });
  return holder;
}

export interface Reply {
  status: number;
  headers: Headers;
  body: Json;
}

export async function request(
  server: TestServer,
  method: string,
  path: string,
  body?: unknown,
  contentType = "application/json",
): Promise<Reply> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": contentType },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? {} : JSON.parse(text) };
}

export interface WatchEvent {
  type: string;
  object: Json;
}

/** An open watch: collects NDJSON lines as they arrive. */
export class WatchReader {
  readonly lines: string[] = [];
  readonly status: number;
  readonly headers: Headers;
  ended = false;
  readonly #controller: AbortController;
  readonly #waiters = new Set<() => void>();
  readonly done: Promise<void>;

  private constructor(response: Response, controller: AbortController) {
    this.status = response.status;
    this.headers = response.headers;
    this.#controller = controller;
    this.done = this.#pump(response);
  }

  static async open(
    server: TestServer,
    path: string,
    headers: Record<string, string> = {},
  ): Promise<WatchReader> {
    const controller = new AbortController();
    const response = await fetch(`${server.url}${path}`, { signal: controller.signal, headers });
    return new WatchReader(response, controller);
  }

  get events(): WatchEvent[] {
    return this.lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as WatchEvent];
      } catch {
        return [];
      }
    });
  }

  async #pump(response: Response): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = "";
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let newline = buffered.indexOf("\n");
        while (newline >= 0) {
          this.lines.push(buffered.slice(0, newline));
          buffered = buffered.slice(newline + 1);
          newline = buffered.indexOf("\n");
        }
        this.#notify();
      }
    } catch {
      // aborted or reset: `ended` says so either way
    }
    this.ended = true;
    this.#notify();
  }

  #notify() {
    for (const waiter of this.#waiters) waiter();
  }

  /** Resolves once `condition` holds, rejects after `timeoutMs`. */
  until(condition: (reader: WatchReader) => boolean, timeoutMs = 10_000): Promise<void> {
    if (condition(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition(this)) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`watch condition not met in ${timeoutMs} ms; lines: ${this.lines.join("\n")}`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  untilEvents(count: number, timeoutMs?: number): Promise<WatchEvent[]> {
    return this.until((r) => r.events.length >= count, timeoutMs).then(() => this.events);
  }

  untilEnded(timeoutMs?: number): Promise<void> {
    return this.until((r) => r.ended, timeoutMs);
  }

  close(): void {
    this.#controller.abort();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
