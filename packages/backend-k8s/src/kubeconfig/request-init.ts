import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { Cluster, ParsedKubeConfig, User } from "./parsed-kube-config.js";

/** Headers (names in lower case) and the agent for one request to the API server. */
export interface RequestInit {
  headers: Record<string, string>;
  agent: http.Agent;
}

/** client-node's FileAuth reads the token file again once its copy is older than this. */
export const TOKEN_FILE_MAX_AGE_MS = 60_000;

/**
 * Why the current context needs client-node's `applyToFetchOptions` (a proxy, an exec credential
 * plugin, an auth provider other than a token file), or undefined when {@link prepareRequestInit}
 * covers it.
 */
export function clientNodeReason(cluster: Cluster | null, user: User | null): string | undefined {
  if (cluster?.proxyUrl) return "proxy-url";
  if (user === null) return undefined;
  if (user.exec) return "exec credential plugin";
  const provider = user.authProvider as { name?: unknown; config?: Record<string, unknown> } | undefined;
  if (provider && !isTokenFileProvider(provider)) return `auth-provider ${String(provider.name)}`;
  return undefined;
}

/**
 * The provider client-node picks FileAuth for (the in-cluster service account's token), with none
 * of the authenticators it tries first (azure, gcp, exec) matching.
 */
function isTokenFileProvider(provider: { name?: unknown; config?: Record<string, unknown> }): boolean {
  return (
    provider.name === "tokenFile" &&
    typeof provider.config?.tokenFile === "string" &&
    provider.config.tokenFile !== "" &&
    !provider.config.exec
  );
}

/**
 * The agent of the last request, kept while the TLS material it was made from stays the same, so
 * that the pages of a list and the watches after it share TLS session resumption instead of a
 * full handshake each. CA, certificate and key are still read for every request, so a rotated file
 * gets a new agent at the next request, as client-node's fresh agent per request would.
 */
export class AgentCache {
  private last: { plainHttp: boolean; options: https.AgentOptions; agent: http.Agent } | undefined;

  agentFor(plainHttp: boolean, options: https.AgentOptions): http.Agent {
    const last = this.last;
    if (last !== undefined && last.plainHttp === plainHttp && sameAgentOptions(last.options, options)) {
      return last.agent;
    }
    const agent = plainHttp ? new http.Agent(options) : new https.Agent(options);
    this.last = { plainHttp, options, agent };
    return agent;
  }
}

function sameAgentOptions(a: https.AgentOptions, b: https.AgentOptions): boolean {
  return (
    a.rejectUnauthorized === b.rejectUnauthorized &&
    a.servername === b.servername &&
    sameBytes(a.ca, b.ca) &&
    sameBytes(a.cert, b.cert) &&
    sameBytes(a.key, b.key)
  );
}

function sameBytes(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
}

/** The tokens read from token files, each re-read once older than {@link TOKEN_FILE_MAX_AGE_MS}. */
export class TokenFiles {
  private readonly tokens = new Map<string, { token: string; readAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  read(file: string): string {
    const cached = this.tokens.get(file);
    const now = this.now();
    if (cached !== undefined && now - cached.readAt <= TOKEN_FILE_MAX_AGE_MS) return cached.token;
    // Trimmed as client-go trims it: `echo token > file` leaves a newline no header may hold.
    const token = readFileSync(file).toString("utf-8").trim();
    this.tokens.set(file, { token, readAt: now });
    return token;
  }
}

/**
 * What client-node's `applyToFetchOptions({})` yields for a context that
 * {@link clientNodeReason} passes: TLS options only when the context has a user (client-node
 * skips them otherwise), CA, certificate and key read afresh for each request, the token file's
 * token, then an inline token over it, then basic auth over both. A plain `http://` server gets a
 * plain agent, as kubectl allows.
 */
export function prepareRequestInit(
  config: ParsedKubeConfig,
  tokenFiles: TokenFiles,
  agents: AgentCache,
): RequestInit {
  const cluster = config.getCurrentCluster();
  const user = config.getCurrentUser();
  const plainHttp = cluster?.server.startsWith("http:") === true;
  const agentOptions: https.AgentOptions = {};
  const headers: Record<string, string> = {};
  if (user !== null) {
    if (cluster?.skipTLSVerify || plainHttp) agentOptions.rejectUnauthorized = false;
    if (cluster?.tlsServerName) agentOptions.servername = cluster.tlsServerName;
    const ca = cluster === null ? null : fileOrBase64(cluster.caFile, cluster.caData);
    if (ca !== null) agentOptions.ca = ca;
    const cert = fileOrBase64(user.certFile, user.certData);
    if (cert !== null) agentOptions.cert = cert;
    const key = fileOrBase64(user.keyFile, user.keyData);
    if (key !== null) agentOptions.key = key;
    setHeader(headers, "impersonate-user", user.impersonateUser);
    const tokenFile = (user.authProvider as { config?: { tokenFile?: string } } | undefined)?.config
      ?.tokenFile;
    if (tokenFile) {
      const token = tokenFiles.read(tokenFile);
      if (token) setHeader(headers, "authorization", `Bearer ${token}`);
    }
    if (user.token) setHeader(headers, "authorization", `Bearer ${user.token}`);
    if (user.username) {
      const basic = Buffer.from(`${user.username}:${user.password}`).toString("base64");
      setHeader(headers, "authorization", `Basic ${basic}`);
    }
  }
  return { headers, agent: agents.agentFor(plainHttp, agentOptions) };
}

/** client-node's `bufferFromFileOrString`: the file wins over the inline base64 data. */
function fileOrBase64(file: string | undefined, data: string | undefined): Buffer | null {
  if (file) return readFileSync(file);
  if (data) return Buffer.from(data, "base64");
  return null;
}

/** Characters node-fetch's `Headers` (which client-node returns) refuses in a value. */
const INVALID_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Sets a header as client-node's trip through node-fetch's `Headers` does: strings and numbers
 * as text, arrays joined, anything else dropped, and an illegal value (an inline `token: |` with
 * its trailing newline) an error rather than a request. The error names the header but never its
 * value: an authorization header is a secret, and the message reaches logs.
 */
function setHeader(headers: Record<string, string>, name: string, value: unknown): void {
  let values: string[];
  if (typeof value === "string" || typeof value === "number") values = [String(value)];
  else if (Array.isArray(value)) values = value.map(String);
  else return;
  for (const text of values) {
    if (INVALID_HEADER_VALUE.test(text)) {
      throw new TypeError(
        `the ${name} header would hold a control character (a token ending in a newline?); its value is not shown`,
      );
    }
  }
  headers[name] = values.join(", ");
}
