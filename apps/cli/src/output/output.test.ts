import { SyncStatus, type Update } from "@watchersyncer/core";
import { describe, expect, it } from "vitest";
import { verify } from "../demo/verify.js";
import { ConsumerView } from "./consumer-view.js";
import { createOutput, type RunReport } from "./index.js";

function collector(isTTY = false) {
  const chunks: string[] = [];
  return { stream: { write: (chunk: string) => chunks.push(chunk), isTTY }, text: () => chunks.join("") };
}

const UPDATES: Update[] = [
  { type: "new", kv: { key: "/networkpolicies/ns1/p1", value: { spec: { order: 1 } }, revision: "12" } },
  { type: "updated", kv: { key: "/networkpolicies/ns1/p1", value: { spec: { order: 2 } }, revision: "13" } },
  { type: "deleted", kv: { key: "/hostendpoints/h1", value: null, revision: "14" } },
];

function report(): RunReport {
  const view = new ConsumerView();
  view.applyStatus(SyncStatus.WaitForDatastore);
  view.applyStatus(SyncStatus.InSync);
  view.applyUpdates(UPDATES);
  view.applyParseFailure();
  return {
    view,
    calls: { lists: 5, failedLists: 1, watches: 9, failedWatches: 2 },
    resourceTypes: 3,
    elapsedMs: 1500,
    endedBy: "duration",
    seed: 7,
    verification: verify(view.entries, new Map([["/networkpolicies/ns1/p1", "13"]]), "14"),
  };
}

function run(format: "jsonl" | "pretty" | "summary", color = false) {
  const stdout = collector(color);
  const stderr = collector();
  const output = createOutput(format, { stdout: stdout.stream, stderr: stderr.stream, color });
  output.status(SyncStatus.InSync);
  output.updates(UPDATES);
  output.parseFailed("/hostendpoints/bad", "{not json");
  output.finish(report());
  return { stdout: stdout.text(), stderr: stderr.text() };
}

describe("jsonl output", () => {
  it("writes exactly the documented objects, one per line, and the rest to stderr", () => {
    const { stdout, stderr } = run("jsonl");
    expect(
      stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { status: "in-sync" },
      { type: "new", key: "/networkpolicies/ns1/p1", revision: "12", value: { spec: { order: 1 } } },
      { type: "updated", key: "/networkpolicies/ns1/p1", revision: "13", value: { spec: { order: 2 } } },
      { type: "deleted", key: "/hostendpoints/h1", revision: "14", value: null },
    ]);
    expect(stderr).toBe(
      'watchersyncer: cannot parse the stored value of /hostendpoints/bad: "{not json"\n' +
        "verified: syncer view equals datastore (1 key, revision 14)\n" +
        "seed: 7 (replay with --seed 7)\n",
    );
  });

  it("a value JSON cannot express becomes null and a note on stderr", () => {
    const stdout = collector();
    const stderr = collector();
    const output = createOutput("jsonl", { stdout: stdout.stream, stderr: stderr.stream, color: false });
    output.updates([{ type: "new", kv: { key: "/k", value: { n: 1n }, revision: "1" } }]);
    expect(JSON.parse(stdout.text())).toEqual({ type: "new", key: "/k", revision: "1", value: null });
    expect(stderr.text()).toContain("cannot print the value of /k as JSON");
  });
});

describe("pretty output", () => {
  it("prints one aligned line per update and status, without ANSI when not coloured", () => {
    const { stdout, stderr } = run("pretty");
    expect(stdout).toBe(
      "status: in-sync\n" +
        "+ new      /networkpolicies/ns1/p1 @12\n" +
        "~ updated  /networkpolicies/ns1/p1 @13\n" +
        "- deleted  /hostendpoints/h1 @14\n" +
        "verified: syncer view equals datastore (1 key, revision 14)\n" +
        "seed: 7 (replay with --seed 7)\n",
    );
    expect(stderr).toContain("/hostendpoints/bad");
  });

  it("colours marks and statuses on a terminal", () => {
    const { stdout } = run("pretty", true);
    expect(stdout).toContain("\u001b[32m+ new     \u001b[0m /networkpolicies/ns1/p1 @12");
    expect(stdout).toContain("\u001b[36mstatus: in-sync\u001b[0m");
  });
});

describe("summary output", () => {
  it("prints only the table at the end", () => {
    const { stdout, stderr } = run("summary");
    const lines = stdout.trimEnd().split("\n");
    expect(lines.slice(0, 5)).toEqual([
      "updates by type",
      "  new              1",
      "  updated          1",
      "  deleted          1",
      "  total            3",
    ]);
    expect(lines).toContain("statuses: wait-for-datastore -> in-sync");
    expect(lines).toContain("parse failures: 1");
    expect(lines).toContain("datastore calls: 5 lists (1 failed, 2 re-lists), 9 watches (2 failed)");
    expect(lines).toContain("verified: syncer view equals datastore (1 key, revision 14)");
    expect(stdout).not.toContain("+ new");
    expect(stderr).toContain("/hostendpoints/bad");
  });
});
