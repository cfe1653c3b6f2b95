import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/main.js";
import { captureIo, lines } from "./capture.js";
import { useScratchFiles } from "./scratch-files.js";

const WATCH = ["watch", "--backend", "etcd", "--kind", "NetworkPolicy", "--connect-timeout", "0.5"];
/** Nothing listens on port 1: a run that gets past its settings fails fast with "cannot sync". */
const NOWHERE = "http://127.0.0.1:1";
const PASSWORD = "s3cret-Pa55";
const posix = process.platform !== "win32";

const scratch = useScratchFiles("settings");
const passwordFile = scratch.file;

async function run(argv: string[], env: Record<string, string> = {}) {
  const captured = captureIo({ env });
  const code = await main(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe("--password-file", () => {
  it("without --user (or ETCD_USERNAME) is refused with exit 2", async () => {
    const path = passwordFile("no-user", PASSWORD, 0o600);
    const result = await run([...WATCH, "--endpoints", NOWHERE, "--password-file", path]);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)[0]).toBe(
      "watchersyncer: --password-file needs --user (or ETCD_USERNAME): whose password is it?",
    );
    expect(result.stderr).not.toContain(PASSWORD);
  });

  it("an empty (or blank) file is one clear line and exit 2", async () => {
    const path = passwordFile("empty", " \n", 0o600);
    const result = await run([...WATCH, "--endpoints", NOWHERE, "--user", "root", "--password-file", path]);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([`watchersyncer: --password-file ${path} is empty`]);
  });

  it.runIf(posix)(
    "readable by others: one warning naming the file, never its content",
    async () => {
      const path = passwordFile("open", `${PASSWORD}\n`, 0o644);
      const result = await run([...WATCH, "--endpoints", NOWHERE, "--user", "root", "--password-file", path]);
      const warnings = lines(result.stderr).filter((line) =>
        line.includes("can be read or written by other users"),
      );
      expect(warnings).toEqual([
        `watchersyncer: --password-file ${path} can be read or written by other users (mode 0644); chmod 600 it`,
      ]);
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
      // The warning does not stop the run: it goes on to fail connecting to nowhere.
      expect(result.stderr).toContain("cannot sync with etcd at");
    },
    30_000,
  );

  it.runIf(posix)(
    "mode 0600: no warning",
    async () => {
      const path = passwordFile("closed", PASSWORD, 0o600);
      const result = await run([...WATCH, "--endpoints", NOWHERE, "--user", "root", "--password-file", path]);
      expect(result.stderr).not.toContain("other users");
    },
    30_000,
  );
});

describe("ETCD_* variables fill what the flags leave unset, also with --endpoints", () => {
  it("--endpoints with ETCD_CA_CERT_FILE uses the CA file: a missing one fails at once", async () => {
    const missing = join(scratch.dir(), "missing-ca.pem");
    const result = await run([...WATCH, "--endpoints", NOWHERE], { ETCD_CA_CERT_FILE: missing });
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^watchersyncer: cannot set up the etcd client: ENOENT/),
    ]);
  });
});
