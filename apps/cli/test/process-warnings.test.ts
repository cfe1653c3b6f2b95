import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, startCli } from "./backend-run.js";

/** Raises the warning Node gives for a TLS servername that is an IP address, mid-run. */
const EMIT_WARNING =
  "data:text/javascript,setTimeout(() => process.emitWarning(" +
  "'Setting the TLS ServerName to an IP address is not permitted by RFC 6066.'," +
  " { type: 'DeprecationWarning', code: 'DEP0123' }), 300);";

beforeAll(() => ensureBuilt());

describe("process warnings", () => {
  it("--log-format json: a Node warning becomes a JSON record, so every stderr line is JSON", async () => {
    const result = await startCli(
      ["watch", "--duration", "1", "--output", "jsonl", "--log-format", "json", "--log-level", "warn"],
      { nodeArgs: ["--import", EMIT_WARNING] },
    ).done;
    expect(result.code).toBe(0);
    const lines = result.stderr.split("\n").filter((line) => line !== "");
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({
        level: "warn",
        warning: "DeprecationWarning",
        code: "DEP0123",
        msg: "Setting the TLS ServerName to an IP address is not permitted by RFC 6066.",
      }),
    );
  }, 30_000);

  it("--log-format text leaves Node's own warning line alone", async () => {
    const result = await startCli(["watch", "--duration", "1", "--output", "jsonl"], {
      nodeArgs: ["--import", EMIT_WARNING],
    }).done;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/\[DEP0123\] DeprecationWarning: Setting the TLS ServerName/);
  }, 30_000);
});
