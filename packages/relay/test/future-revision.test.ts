import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRelay } from "../src/index.js";
import { NETWORK_POLICIES, policy, RelayStack, STACK_RESOURCES } from "./relay-stack.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON read back from the wire, checked by the assertions
type Json = Record<string, any>;

const NS = "future";
const PATH = `/apis/crd.projectcalico.org/v1/namespaces/${NS}/networkpolicies`;
const WAIT_MS = 300;

let stack: RelayStack;
let written = 0;

beforeAll(async () => {
  stack = await RelayStack.start({ revisionWaitMs: WAIT_MS });
});

afterAll(async () => {
  await stack.close();
});

/** Writes a policy upstream; returns its revision. */
function write(name = `p${written++}`): string {
  return (stack.upstream.create(NETWORK_POLICIES, policy(NS, name)).metadata as Json).resourceVersion;
}

/** A revision the upstream (and so the hub) has not reached: `ahead` past the latest. */
const future = (ahead: number) => String(Number(stack.upstream.resourceVersion) + ahead);

async function until(hubReaches: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (stack.hub.revision({ kind: "NetworkPolicy" }) !== hubReaches && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10));
  expect(stack.hub.revision({ kind: "NetworkPolicy" })).toBe(hubReaches);
}

/** Watch lines until `count` that are not bookmarks arrived. */
async function watchEvents(path: string, count: number, afterOpen: () => void = () => {}): Promise<Json[]> {
  const controller = new AbortController();
  const response = await fetch(`${stack.relayUrl}${path}`, { signal: controller.signal });
  expect(response.status).toBe(200);
  afterOpen();
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: Json[] = [];
  let text = "";
  const timeout = setTimeout(() => controller.abort(), 20_000);
  try {
    while (events.length < count) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n")) {
        const event = JSON.parse(text.slice(0, nl)) as Json;
        if (event.type !== "BOOKMARK") events.push(event);
        text = text.slice(nl + 1);
      }
    }
  } finally {
    clearTimeout(timeout);
    controller.abort();
  }
  return events;
}

function expectTooLarge(body: Json, requested: string): void {
  expect(body).toMatchObject({
    kind: "Status",
    status: "Failure",
    code: 504,
    reason: "Timeout",
    details: {
      causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
      retryAfterSeconds: 1,
    },
  });
  expect(body.message).toMatch(
    new RegExp(`^Timeout: Too large resource version: ${requested}, current: \\d+$`),
  );
}

describe("a resourceVersion the relay's hub has not reached", () => {
  it("a list or get at it waits for the hub, then answers 504 Too large resource version, as the apiserver", async () => {
    await until(write());
    for (const query of [
      "",
      "&resourceVersionMatch=NotOlderThan",
      "&resourceVersionMatch=Exact",
      "&limit=1",
    ]) {
      const requested = future(100);
      const started = Date.now();
      const response = await fetch(`${stack.relayUrl}${PATH}?resourceVersion=${requested}${query}`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_MS - 20);
      expect(response.status).toBe(504);
      expect(response.headers.get("retry-after")).toBe("1");
      expectTooLarge((await response.json()) as Json, requested);
    }
    const requested = future(100);
    const get = await fetch(`${stack.relayUrl}${PATH}/p0?resourceVersion=${requested}`);
    expect(get.status).toBe(504);
    expectTooLarge((await get.json()) as Json, requested);
  });

  it("a list or get at it is served once the hub reaches it within the wait", async () => {
    // A relay of its own on the same hub, that waits long enough for a loaded machine.
    const patient = createRelay({ hub: stack.hub, resources: STACK_RESOURCES, revisionWaitMs: 20_000 });
    const fetchPatient = (path: string) => patient.fetch(new Request(`http://relay.test${path}`));
    const requested = future(1);
    const listed = fetchPatient(`${PATH}?resourceVersion=${requested}`);
    const got = fetchPatient(`${PATH}/late?resourceVersion=${requested}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(write("late")).toBe(requested);
    const list = await listed;
    expect(list.status).toBe(200);
    const body = (await list.json()) as Json;
    expect(body.metadata.resourceVersion).toBe(requested);
    expect(body.items.map((o: Json) => o.metadata.name)).toContain("late");
    const one = await got;
    expect(one.status).toBe(200);
    expect(((await one.json()) as Json).metadata.resourceVersion).toBe(requested);
    await patient.close();
  });

  it("a WatchList from it waits, then ends with an ERROR event carrying the 504 Status", async () => {
    const requested = future(100);
    const [event] = await watchEvents(
      `${PATH}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=${requested}&allowWatchBookmarks=true`,
      1,
    );
    expect(event!.type).toBe("ERROR");
    expectTooLarge(event!.object, requested);
  });

  it("a plain watch from it is accepted and passes on only the changes after it", async () => {
    await until(write());
    const requested = future(2);
    const events = await watchEvents(
      `${PATH}?watch=true&allowWatchBookmarks=true&resourceVersion=${requested}`,
      2,
      () => {
        // Two changes the client has seen (it holds `requested`), then two it has not.
        write("seen-1");
        expect(write("seen-2")).toBe(requested);
        write("new-1");
        write("new-2");
      },
    );
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(["ADDED new-1", "ADDED new-2"]);
  });
});
