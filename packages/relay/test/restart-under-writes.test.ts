import { compareDecimalRevisions } from "@watchersyncer/hub";
import { eventually } from "@watchersyncer/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NETWORK_POLICIES, policy, RelayStack } from "./relay-stack.js";
import { type WatchLines, watchLines } from "./watch-lines.js";

const NS = "writes";
const PATH = `/apis/crd.projectcalico.org/v1/namespaces/${NS}/networkpolicies`;
let stack: RelayStack;

beforeAll(async () => {
  stack = await RelayStack.start({}, { compareRevisions: compareDecimalRevisions });
});

afterAll(async () => {
  await stack.close();
});

/** The next `count` lines that are not bookmarks, as "TYPE name@revision". */
async function changes(next: WatchLines, count: number): Promise<string[]> {
  const seen: string[] = [];
  while (seen.length < count) {
    const line = await next();
    if (line.type === "BOOKMARK") continue;
    if (line.type === "ERROR") {
      seen.push(`ERROR ${line.object.code}`);
      continue;
    }
    seen.push(`${line.type} ${line.object.metadata.name}@${line.object.metadata.resourceVersion}`);
  }
  return seen;
}

const caughtUp = () =>
  eventually(
    "the relay to reach the upstream's revision",
    () => stack.hub.revision({ kind: "NetworkPolicy" }) === stack.upstream.resourceVersion,
  );
const rv = (object: Record<string, unknown>) =>
  (object.metadata as { resourceVersion: string }).resourceVersion;
const watchUrl = (revision: string, query = "") =>
  `${stack.relayUrl}${PATH}?watch=1&allowWatchBookmarks=true&resourceVersion=${revision}${query}`;

describe("clients of a relay restarted while the upstream changed", () => {
  it("resume from their revision: the hub fetches the history it lacks with one upstream watch, not a list per client", async () => {
    stack.upstream.create(NETWORK_POLICIES, policy(NS, "web-kept"));
    stack.upstream.create(NETWORK_POLICIES, policy(NS, "db-gone"));
    const listed = (await (await fetch(`${stack.relayUrl}${PATH}`)).json()) as {
      metadata: { resourceVersion: string };
    };
    const from = listed.metadata.resourceVersion;
    const lists = stack.counts.lists.get("NetworkPolicy")!;
    const watches = stack.counts.watches.get("NetworkPolicy")!;
    const written: string[] = [];
    await stack.restart(() => {
      const kept = stack.upstream.get(NETWORK_POLICIES, "web-kept", NS)!;
      written.push(
        `MODIFIED web-kept@${rv(stack.upstream.update(NETWORK_POLICIES, { ...kept, spec: { order: 2 } }))}`,
      );
      written.push(`ADDED web-new@${rv(stack.upstream.create(NETWORK_POLICIES, policy(NS, "web-new")))}`);
      const gone = stack.upstream.remove(NETWORK_POLICIES, "db-gone", NS)!;
      written.push(`DELETED db-gone@${rv(gone)}`);
    });
    expect(stack.counts.lists.get("NetworkPolicy")).toBe(lists + 1);
    const afterRestart = stack.counts.watches.get("NetworkPolicy")!;

    // Several clients at the same old revision: one upstream watch serves them all.
    const responses = await Promise.all([1, 2, 3].map(() => fetch(watchUrl(from))));
    for (const response of responses) expect(response.status).toBe(200);
    const readers = responses.map(watchLines);
    for (const next of readers) expect(await changes(next, 3)).toEqual(written);
    const late = `ADDED web-late@${rv(stack.upstream.create(NETWORK_POLICIES, policy(NS, "web-late")))}`;
    for (const next of readers) expect(await changes(next, 1)).toEqual([late]);

    expect(stack.counts.lists.get("NetworkPolicy")).toBe(lists + 1);
    await eventually(
      "the hub's own watch to be counted",
      () => stack.counts.watches.get("NetworkPolicy")! > watches,
    );
    expect(stack.counts.watches.get("NetworkPolicy")! - afterRestart).toBeLessThanOrEqual(1);
    for (const next of readers) await next.close();
  }, 30_000);

  it("a selector watch that cannot be told what a fetched change replaced is sent 410 and lists again", async () => {
    stack.upstream.create(NETWORK_POLICIES, policy(NS, "web-sel"));
    await caughtUp();
    const from = stack.upstream.resourceVersion;
    await stack.restart(() => {
      const object = stack.upstream.get(NETWORK_POLICIES, "web-sel", NS)!;
      // Leaves the selector app=web: its watchers must be sent DELETED, which needs the old labels.
      stack.upstream.update(NETWORK_POLICIES, {
        ...object,
        metadata: { ...(object.metadata as object), labels: { app: "db" } },
      });
    });
    const selected = await fetch(watchUrl(from, "&labelSelector=app%3Dweb"));
    expect(selected.status).toBe(200);
    expect(await changes(watchLines(selected), 1)).toEqual(["ERROR 410"]);
    // Without a selector the same history is served.
    const all = watchLines(await fetch(watchUrl(from)));
    expect((await changes(all, 1))[0]).toMatch(/^MODIFIED web-sel@/);
    await all.close();
  }, 30_000);

  it("a revision the upstream no longer has is 410 Expired, and the client lists again from the relay", async () => {
    stack.upstream.create(NETWORK_POLICIES, policy(NS, "db-compacted"));
    await caughtUp();
    const from = stack.upstream.resourceVersion;
    const lists = stack.counts.lists.get("NetworkPolicy")!;
    await stack.restart(() => {
      stack.upstream.create(NETWORK_POLICIES, policy(NS, "db-after"));
      stack.upstream.compact();
    });
    const watch = await fetch(watchUrl(from));
    const status = watch.status === 200 ? await changes(watchLines(watch), 1) : [`ERROR ${watch.status}`];
    expect(status).toEqual(["ERROR 410"]);
    expect(stack.counts.lists.get("NetworkPolicy")).toBe(lists + 1);
  }, 30_000);
});
