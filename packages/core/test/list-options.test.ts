import { describe, expect, it } from "vitest";
import { createWatcherSyncer, type DatastoreClient, type ListOptions } from "../src/index.js";
import { ManualClock } from "../src/testing.js";
import { Recorder } from "./support/recorder.js";
import { ScriptedClient } from "./support/scripted-client.js";

/** What a backend with a field of its own accepts, as etcd's `prefix` or Kubernetes' selectors. */
interface PrefixListOptions extends ListOptions {
  prefix?: string;
}

describe("a backend's own list options", () => {
  it("reach its list and watch as given", async () => {
    const clock = new ManualClock();
    const scripted = new ScriptedClient(() => clock.now());
    const client: DatastoreClient<PrefixListOptions> = scripted;
    const syncer = createWatcherSyncer(
      client,
      [{ listOptions: { kind: "things", prefix: "/my/things/" } }],
      new Recorder(),
      {
        clock,
      },
    );
    syncer.start();
    const list = await scripted.nextList();
    expect(list.options).toEqual({ kind: "things", prefix: "/my/things/" });
    list.respond([], "7");
    const watch = await scripted.nextWatch();
    expect(watch.options).toEqual({ kind: "things", prefix: "/my/things/" });
    await syncer.stop();
  });
});

describe("checkListOptions", () => {
  it("makes createWatcherSyncer throw for options the client can never list, before any I/O", () => {
    const clock = new ManualClock();
    const scripted = new ScriptedClient(() => clock.now());
    const checked: ListOptions[] = [];
    const client: DatastoreClient = Object.assign(scripted, {
      checkListOptions(options: ListOptions) {
        checked.push(options);
        if (options.kind === "nonsense") throw new RangeError(`unknown kind "${options.kind}"`);
      },
    });
    const recorder = new Recorder();
    expect(() =>
      createWatcherSyncer(
        client,
        [{ listOptions: { kind: "things" } }, { listOptions: { kind: "nonsense" } }],
        recorder,
        { clock },
      ),
    ).toThrow(/unknown kind "nonsense"/);
    expect(checked).toEqual([{ kind: "things" }, { kind: "nonsense" }]);
    expect(scripted.calls).toEqual([]);
    expect(recorder.log).toEqual([]);
  });

  it("lets valid options through to a syncer that lists them", async () => {
    const clock = new ManualClock();
    const scripted = new ScriptedClient(() => clock.now());
    let checks = 0;
    const client: DatastoreClient = Object.assign(scripted, {
      checkListOptions() {
        checks++;
      },
    });
    const syncer = createWatcherSyncer(client, [{ listOptions: { kind: "things" } }], new Recorder(), {
      clock,
    });
    expect(checks).toBe(1);
    syncer.start();
    const list = await scripted.nextList();
    expect(list.options).toEqual({ kind: "things" });
    await syncer.stop();
  });
});

/**
 * Never called: `pnpm typecheck` compiles it, and each `@ts-expect-error` fails the typecheck if
 * its line stops being an error.
 */
export function typeChecks(
  prefixClient: DatastoreClient<PrefixListOptions>,
  plainClient: DatastoreClient,
): void {
  const callbacks = new Recorder();
  createWatcherSyncer(
    prefixClient,
    [{ listOptions: { kind: "a", prefix: "/a/" } }, { listOptions: { kind: "b" } }],
    callbacks,
  );
  // @ts-expect-error a misspelt field is not widened into the client's options
  createWatcherSyncer(prefixClient, [{ listOptions: { kind: "a", prefx: "/a/" } }], callbacks);
  // @ts-expect-error a client of plain ListOptions takes no backend fields
  createWatcherSyncer(plainClient, [{ listOptions: { kind: "a", prefix: "/a/" } }], callbacks);
  // A client with its own options still is a DatastoreClient, for code that takes any backend.
  const anyBackend: DatastoreClient = prefixClient;
  void anyBackend;
}
