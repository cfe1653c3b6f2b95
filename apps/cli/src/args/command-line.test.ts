import { describe, expect, it } from "vitest";
import { NO_CONNECTION_ARGS } from "../backends/connection-flags.js";
import { DEFAULT_RATE, parseCommandLine, type WatchArgs } from "./command-line.js";
import { UsageError } from "./usage-error.js";

const ALL_KINDS = ["networkpolicies", "globalnetworkpolicies", "hostendpoints"];

function watchArgs(argv: string[]): WatchArgs {
  const invocation = parseCommandLine(argv);
  if (invocation.command !== "watch") throw new Error(`expected watch, got ${invocation.command}`);
  return invocation.args;
}

function usageError(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    const message = (err as UsageError).message;
    expect(message).not.toContain("\n");
    expect(message.length).toBeGreaterThan(0);
    return message;
  }
  throw new Error(`no UsageError for ${JSON.stringify(argv)}`);
}

describe("parseCommandLine: commands", () => {
  it.each([
    [[]],
    [["--help"]],
    [["-h"]],
    [["help"]],
    [["watch", "--help"]],
    [["watch", "-h", "--output", "xml"]],
  ])("%j asks for help", (argv) => {
    expect(parseCommandLine(argv)).toEqual({ command: "help" });
  });

  it("--version asks for the version", () => {
    expect(parseCommandLine(["--version"])).toEqual({ command: "version" });
  });

  it("watch without flags uses every default", () => {
    expect(watchArgs(["watch"])).toEqual({
      backend: "memory",
      kinds: ALL_KINDS,
      namespace: undefined,
      output: undefined,
      durationMs: undefined,
      seed: undefined,
      rate: DEFAULT_RATE,
      connection: NO_CONNECTION_ARGS,
    });
  });

  it("takes every flag, before or after the command, with a space or '='", () => {
    expect(
      watchArgs([
        "--backend",
        "memory",
        "watch",
        "--kind",
        "hostendpoints",
        "--kind=networkpolicies",
        "--kind",
        "hostendpoints",
        "--namespace",
        "ns2",
        "--output=summary",
        "--duration",
        "1.5",
        "--seed",
        "42",
        "--rate",
        "12.5",
      ]),
    ).toEqual({
      backend: "memory",
      kinds: ["hostendpoints", "networkpolicies"],
      namespace: "ns2",
      output: "summary",
      durationMs: 1500,
      seed: 42,
      rate: 12.5,
      connection: NO_CONNECTION_ARGS,
    });
  });

  it.each(["jsonl", "pretty", "summary"])("accepts --output %s", (format) => {
    expect(watchArgs(["watch", "--output", format]).output).toBe(format);
  });

  it("accepts the extreme seeds and fractional durations", () => {
    expect(watchArgs(["watch", "--seed", "0"]).seed).toBe(0);
    expect(watchArgs(["watch", "--seed", "4294967295"]).seed).toBe(4294967295);
    expect(watchArgs(["watch", "--duration", ".25"]).durationMs).toBe(250);
  });
});

describe("parseCommandLine: usage errors are one line", () => {
  it.each([
    [["--bogus"], "unknown option '--bogus'"],
    [["watch", "-x"], "unknown option '-x'"],
    [["watch", "--duration"], "option '--duration' needs a value"],
    [["watch", "--duration", "--seed", "1"], "option '--duration' needs a value"],
    [["watch", "--kind"], "option '--kind' needs a value"],
    [["watch", "--help=1"], "option '--help' does not take a value"],
    [["watch", "--output", "xml"], "unknown output 'xml' (expected one of: jsonl, pretty, summary)"],
    [["watch", "--backend", "consul"], "unknown backend 'consul' (expected one of: memory, etcd, k8s)"],
    [["watch", "--backend", "toString"], "unknown backend 'toString' (expected one of: memory, etcd, k8s)"],
    [["watch", "--kind", "pods"], "unknown kind 'pods' for backend memory"],
    [["watch", "--kind", "Bad/Kind"], "invalid --kind 'Bad/Kind'"],
    [["watch", "--namespace", "a/b"], "invalid --namespace 'a/b'"],
    [["watch", "--namespace", "ns1", "--kind", "hostendpoints"], "--namespace needs a namespaced kind"],
    [["bogus"], "unknown command 'bogus' (expected one of: watch, serve, fuzz, help)"],
    [["watch", "extra"], "unexpected argument 'extra'"],
    [["--duration", "1"], "missing command (watch, serve, fuzz)"],
  ])("%j -> %s", (argv, expected) => {
    expect(usageError(argv)).toContain(expected);
  });

  it.each([
    ["--duration", "-1"],
    ["--duration", "0"],
    ["--duration", "abc"],
    ["--duration", ""],
    ["--duration", "1e3"],
    ["--duration", "Infinity"],
    ["--duration", "3000000"],
    ["--rate", "0"],
    ["--rate", "-5"],
    ["--rate", "fast"],
    ["--rate", "1000001"],
  ])("%s %s is not a positive number in range", (flag, value) => {
    const message = usageError(["watch", flag, value]);
    expect(message).toMatch(new RegExp(`^${flag} must be a positive number of .+ got '${value}'$`));
  });

  it.each(["-1", "1.5", "4294967296", "abc", ""])("--seed %j is refused", (value) => {
    expect(usageError(["watch", "--seed", value])).toBe(
      `--seed must be an integer from 0 to 4294967295, got '${value}'`,
    );
  });
});
