import { MemoryDatastore } from "@watchersyncer/backend-memory";
import { describe, expect, it } from "vitest";
import { DEFAULT_RATE, type WatchArgs } from "../src/args/command-line.js";
import type { Backend } from "../src/backends/backend.js";
import { runWatch } from "../src/commands/watch.js";
import { createCliLogger } from "../src/observability/logger.js";
import { captureIo } from "./capture.js";

/** Retitles the terminal, then starts a line that passes for a real update. */
const HOSTILE = "/hostendpoints/k\u001b]0;pwned\u0007\n+ new      /forged @999\u009b2J\udcff\u202e";
const ESCAPED = "/hostendpoints/k\\x1b]0;pwned\\x07\\n+ new      /forged @999\\u009b2J\\udcff\\u202e";
/**
 * Control characters but newline, DEL, C1, lone surrogates and bidirectional overrides: none may
 * reach a terminal raw.
 */
function rawControls(text: string): string[] {
  return [...text].filter((char) => {
    const code = char.codePointAt(0)!;
    return (
      (code < 0x20 && char !== "\n") ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0xd800 && code <= 0xdfff) ||
      (code >= 0x202a && code <= 0x202e)
    );
  });
}

/** A memory datastore holding one hostile key with a value and one whose value does not parse. */
const hostile: Backend = {
  description: "memory datastore with hostile keys",
  defaultKinds: ["hostendpoints"],
  flags: [],
  async open() {
    const datastore = new MemoryDatastore();
    datastore.put(HOSTILE, { spec: {} });
    datastore.putUndecodable(`${HOSTILE}-bad`, "{not json\u001b[2J");
    return { client: datastore, close: () => datastore.close() };
  },
};

function args(overrides: Partial<WatchArgs>): WatchArgs {
  return {
    backend: "hostile",
    kinds: ["hostendpoints"],
    namespace: undefined,
    output: "pretty",
    durationMs: 300,
    seed: 1,
    rate: DEFAULT_RATE,
    logLevel: "debug",
    logFormat: "text",
    ...overrides,
  };
}

async function run(overrides: Partial<WatchArgs>) {
  const captured = captureIo();
  const code = await runWatch(args(overrides), captured.io, { backends: { hostile } });
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe("hostile keys reach a terminal escaped", () => {
  it("pretty output and the parse-failure line carry no raw control character", async () => {
    const result = await run({});
    expect(result.code).toBe(0);
    expect(rawControls(result.stdout)).toEqual([]);
    expect(rawControls(result.stderr)).toEqual([]);
    expect(result.stdout).toContain(`+ new      ${ESCAPED} @`);
    expect(result.stdout).not.toMatch(/^\+ new {6}\/forged/m);
    expect(result.stderr).toContain(
      `watchersyncer: cannot parse the stored value of ${ESCAPED}-bad: "{not json\\u001b[2J"`,
    );
  });

  it("text logs escape the message and every field", () => {
    const chunks: string[] = [];
    const logger = createCliLogger({
      level: "debug",
      format: "text",
      stream: { write: (c: string) => chunks.push(c) },
    });
    logger.warn(`cannot parse ${HOSTILE}`, { key: HOSTILE, bare: "a\u001bb", error: new Error(HOSTILE) });
    const text = chunks.join("");
    expect(rawControls(text)).toEqual([]);
    expect(text.trimEnd().split("\n")).toHaveLength(1);
    expect(text).toContain(`cannot parse ${ESCAPED} key=`);
    expect(text).toContain(`bare="a\\u001bb"`);
  });

  it("jsonl output and JSON logs stay valid one-line JSON per record", async () => {
    const result = await run({ output: "jsonl", logFormat: "json" });
    const stdout = result.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(stdout).toContainEqual({
      type: "new",
      key: HOSTILE,
      revision: expect.any(String),
      value: { spec: {} },
    });
    const stderr = result.stderr
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { msg: string });
    expect(
      stderr.some((record) => record.msg.includes(`cannot parse the stored value of ${ESCAPED}-bad`)),
    ).toBe(true);
  });
});
