import { describe, expect, it } from "vitest";
import { SHORT_USAGE } from "../src/args/usage.js";
import { main } from "../src/main.js";
import { captureIo, lines } from "./capture.js";

const STATUSES = ["wait-for-datastore", "resync-in-progress", "in-sync"];
const VERIFIED = /^verified: syncer view equals datastore \((\d+) keys?, revision (\d+)\)$/m;

describe("main: help and usage errors", () => {
  it("--help prints the usage to stdout and exits 0", async () => {
    const run = captureIo();
    expect(await main(["--help"], run.io)).toBe(0);
    expect(run.stdout()).toContain("watchersyncer watch [options]");
    expect(run.stdout()).toContain("--output <format>");
    expect(run.stderr()).toBe("");
  });

  it("no arguments prints the usage and exits 0", async () => {
    const run = captureIo();
    expect(await main([], run.io)).toBe(0);
    expect(run.stdout()).toContain("Usage:");
  });

  it("--version prints the package version", async () => {
    const run = captureIo();
    expect(await main(["--version"], run.io)).toBe(0);
    expect(run.stdout()).toMatch(/^watchersyncer \d+\.\d+\.\d+\n$/);
  });

  it("a bad flag exits 2 with the reason and the usage line on stderr", async () => {
    const run = captureIo();
    expect(await main(["watch", "--output", "xml"], run.io)).toBe(2);
    expect(run.stdout()).toBe("");
    expect(run.stderr()).toBe(
      `watchersyncer: unknown output 'xml' (expected one of: jsonl, pretty, summary)\n${SHORT_USAGE}\n`,
    );
  });
});

describe("main: watch on the memory demo", () => {
  it("--output jsonl prints only the documented objects, then verifies on stderr without the stop burst", async () => {
    const run = captureIo();
    const code = await main(["watch", "--duration", "1.5", "--output", "jsonl", "--seed", "1"], run.io);
    const stdoutAtReturn = run.stdout();
    expect(code, run.stderr()).toBe(0);

    const objects = lines(stdoutAtReturn).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(objects[0]).toEqual({ status: "wait-for-datastore" });
    const view = new Map<string, string>();
    const types = new Set<string>();
    for (const object of objects) {
      if ("status" in object) {
        expect(Object.keys(object)).toEqual(["status"]);
        expect(STATUSES).toContain(object.status);
        continue;
      }
      expect(Object.keys(object)).toEqual(["type", "key", "revision", "value"]);
      expect(["new", "updated", "deleted"]).toContain(object.type);
      expect(typeof object.key).toBe("string");
      expect(typeof object.revision).toBe("string");
      types.add(object.type as string);
      if (object.type === "deleted") {
        expect(object.value).toBeNull();
        view.delete(object.key as string);
      } else {
        expect(object.value).not.toBeNull();
        view.set(object.key as string, object.revision as string);
      }
    }
    expect(objects.filter((object) => "status" in object).map((object) => object.status)).toEqual(STATUSES);
    expect([...types].sort()).toEqual(["deleted", "new", "updated"]);

    // The verdict counts the keys the printed stream leaves behind: had the Deleted burst of
    // stop() been printed, the stream would end with an empty view.
    const verdict = VERIFIED.exec(run.stderr());
    expect(verdict, run.stderr()).not.toBeNull();
    expect(view.size).toBe(Number(verdict![1]));
    expect(view.size).toBeGreaterThan(100);
    expect(run.stderr()).toContain("seed: 1 (replay with --seed 1)");

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(run.stdout()).toBe(stdoutAtReturn);
  });

  it("--output summary shows the table; the demo injected faults, forced re-lists, and still verified", async () => {
    const run = captureIo();
    const code = await main(["watch", "--duration", "2.5", "--output", "summary", "--seed", "2"], run.io);
    expect(code, run.stdout() + run.stderr()).toBe(0);
    const out = run.stdout();
    expect(out).toMatch(
      /^updates by type\n {2}new +\d+\n {2}updated +\d+\n {2}deleted +\d+\n {2}total +\d+\n/,
    );
    expect(out).toContain("statuses: wait-for-datastore -> resync-in-progress -> in-sync");
    expect(out).toMatch(VERIFIED);
    expect(out).toContain("seed: 2 (replay with --seed 2)");
    expect(out).toContain("ended by duration");

    const faults = Number(/^faults injected: (\d+) /m.exec(out)?.[1]);
    expect(faults).toBeGreaterThanOrEqual(3);
    const relists = Number(/(\d+) re-lists/.exec(out)?.[1]);
    expect(relists).toBeGreaterThan(0);
    const parseFailures = Number(/^parse failures: (\d+)$/m.exec(out)?.[1]);
    expect(parseFailures).toBeGreaterThan(0);
    // Each parse failure is on stderr, naming the key.
    const failureLines = lines(run.stderr()).filter((line) => line.includes("cannot parse"));
    expect(failureLines).toHaveLength(parseFailures);
    // Re-lists hand the syncer every undecodable entry again: each (key, value) is printed once.
    expect(new Set(failureLines).size).toBe(failureLines.length);
    for (const line of failureLines) {
      expect(line).toMatch(/^watchersyncer: cannot parse the stored value of \/[a-z]+\/[\w/-]+: /);
    }
  });

  it("pretty output narrowed to one namespace prints only that namespace's keys", async () => {
    const run = captureIo();
    const argv = [
      "watch",
      "--duration",
      "1",
      "--output",
      "pretty",
      "--kind",
      "networkpolicies",
      "--namespace",
      "ns2",
    ];
    expect(await main(argv, run.io)).toBe(0);
    const out = lines(run.stdout());
    expect(out[0]).toBe("status: wait-for-datastore");
    const updates = out.filter((line) => /^[+~-] /.test(line));
    expect(updates.length).toBeGreaterThan(30);
    for (const line of updates) {
      expect(line).toMatch(
        /^([+] new {6}|[~] updated {2}|[-] deleted {2})\/networkpolicies\/ns2\/np-\d+ @\d+$/,
      );
    }
    expect(out.join("\n")).not.toContain("\u001b[");
    expect(out).toContainEqual(expect.stringMatching(VERIFIED));
  });

  it("without --duration runs until the signal aborts, then stops cleanly with exit 0", async () => {
    const interrupt = new AbortController();
    const run = captureIo({ signal: interrupt.signal });
    const running = main(["watch", "--output", "summary", "--seed", "3"], run.io);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(run.stdout()).toBe("");
    const abortedAt = Date.now();
    interrupt.abort();
    expect(await running).toBe(0);
    expect(Date.now() - abortedAt).toBeLessThan(5000);
    expect(run.stdout()).toContain("ended by signal");
    expect(run.stdout()).toMatch(VERIFIED);
  });
});
