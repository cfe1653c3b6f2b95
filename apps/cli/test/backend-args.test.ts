import { describe, expect, it } from "vitest";
import { parseCommandLine, type WatchArgs } from "../src/args/command-line.js";
import { UsageError } from "../src/args/usage-error.js";

function watchArgs(argv: string[]): WatchArgs {
  const invocation = parseCommandLine(argv);
  if (invocation.command !== "watch") throw new Error(`not a watch: ${invocation.command}`);
  return invocation.args;
}

function usageError(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error(`no usage error for ${argv.join(" ")}`);
}

describe("backend flags", () => {
  it("parses the etcd connection flags; endpoints split at commas and repeat", () => {
    const args = watchArgs([
      "watch",
      ...[
        "--backend",
        "etcd",
        "--endpoints",
        "https://a:2379, https://b:2379",
        "--endpoints",
        "https://c:2379",
      ],
      ...["--cacert", "/ca.pem", "--cert", "/c.pem", "--key", "/k.pem", "--user", "calico"],
      ...["--password-file", "/pw", "--kind", "NetworkPolicy", "--prefix", "/x/", "--connect-timeout", "2.5"],
    ]);
    expect(args.kinds).toEqual(["NetworkPolicy"]);
    expect(args.connection).toEqual({
      endpoints: ["https://a:2379", "https://b:2379", "https://c:2379"],
      cacert: "/ca.pem",
      cert: "/c.pem",
      key: "/k.pem",
      user: "calico",
      passwordFile: "/pw",
      prefixes: ["/x/"],
      connectTimeoutMs: 2500,
    });
  });

  it("parses the k8s flags and defaults the connect timeout to 10 s", () => {
    const args = watchArgs([
      "watch",
      "--backend",
      "k8s",
      "--kubeconfig",
      "/kc",
      "--context",
      "prod",
      "--kind",
      "Pod",
    ]);
    expect(args.connection).toEqual({
      endpoints: [],
      prefixes: [],
      kubeconfig: "/kc",
      context: "prod",
      connectTimeoutMs: 10_000,
    });
  });

  it("a --prefix alone is enough for etcd, a --resource for k8s; a backend without default kinds needs one", () => {
    expect(watchArgs(["watch", "--backend", "etcd", "--prefix", "/a/"]).kinds).toEqual([]);
    expect(usageError(["watch", "--backend", "etcd"])).toBe(
      "backend etcd needs at least one --kind or --prefix",
    );
    expect(usageError(["watch", "--backend", "k8s"])).toBe(
      "backend k8s needs at least one --kind or --resource",
    );
    const k8s = watchArgs(["watch", "--backend", "k8s", "--resource", "v1/pods", "--metadata-only"]);
    expect(k8s.kinds).toEqual([]);
    expect(k8s.connection).toMatchObject({ resources: ["v1/pods"], metadataOnly: true });
    expect(usageError(["watch", "--metadata-only"])).toBe(
      "option '--metadata-only' does not apply to backend memory",
    );
  });

  it("refuses flags the chosen backend would ignore", () => {
    expect(usageError(["watch", "--endpoints", "http://x:1"])).toBe(
      "option '--endpoints' does not apply to backend memory",
    );
    expect(usageError(["watch", "--kubeconfig", "/kc"])).toBe(
      "option '--kubeconfig' does not apply to backend memory",
    );
    expect(usageError(["watch", "--backend", "etcd", "--kind", "Node", "--seed", "1"])).toBe(
      "option '--seed' does not apply to backend etcd",
    );
    expect(usageError(["watch", "--backend", "etcd", "--kind", "Node", "--kubeconfig", "/kc"])).toBe(
      "option '--kubeconfig' does not apply to backend etcd",
    );
    expect(usageError(["watch", "--backend", "k8s", "--kind", "Pod", "--user", "u"])).toBe(
      "option '--user' does not apply to backend k8s",
    );
  });

  it("keeps secrets off the command line and checks values", () => {
    expect(usageError(["watch", "--backend", "etcd", "--kind", "Node", "--user", "root:pw"])).toBe(
      "--user takes only the user name; give the password with --password-file",
    );
    expect(usageError(["watch", "--backend", "etcd", "--kind", "Node", "--connect-timeout", "0"])).toMatch(
      /^--connect-timeout must be a positive number of seconds/,
    );
    expect(usageError(["watch", "--backend", "etcd", "--kind", "Node", "--cacert", " "])).toBe(
      "--cacert needs a non-empty value",
    );
    expect(usageError(["watch", "--backend", "etcd", "--kind", "Network Policy"])).toBe(
      "invalid --kind 'Network Policy'",
    );
  });

  it("takes --page-size for etcd as a positive integer", () => {
    const etcd = ["watch", "--backend", "etcd", "--kind", "Node"];
    expect(watchArgs([...etcd, "--page-size", "500"]).connection?.pageSize).toBe(500);
    expect(watchArgs(etcd).connection?.pageSize).toBeUndefined();
    for (const bad of ["0", "-1", "2.5", "1e3", "x", "", "99999999999999999999"]) {
      expect(usageError([...etcd, `--page-size=${bad}`])).toBe(
        `--page-size must be a positive integer (keys per etcd range request), got '${bad}'`,
      );
    }
    expect(usageError(["watch", "--backend", "k8s", "--kind", "Pod", "--page-size", "10"])).toBe(
      "option '--page-size' does not apply to backend k8s",
    );
  });

  it("the memory demo still checks its kinds up front", () => {
    expect(usageError(["watch", "--kind", "NetworkPolicy"])).toMatch(
      /^unknown kind 'NetworkPolicy' for backend memory \(expected one of: networkpolicies/,
    );
  });
});
