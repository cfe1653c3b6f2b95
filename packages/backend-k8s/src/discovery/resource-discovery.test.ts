import { ManualClock } from "@watchersyncer/core/testing";
import { describe, expect, it } from "vitest";
import type { DiscoveredResource } from "./discovered-resource.js";
import { ResourceDiscovery } from "./resource-discovery.js";

const NEVER = new AbortController().signal;

function widget(plural: string): DiscoveredResource {
  return {
    group: "example.com",
    version: "v1",
    plural,
    singular: "",
    kind: "",
    shortNames: [],
    namespaced: true,
  };
}

function setup(refreshIntervalMs = 1000) {
  const clock = new ManualClock();
  const served: DiscoveredResource[] = [widget("widgets")];
  let fetches = 0;
  const discovery = new ResourceDiscovery({
    clock,
    refreshIntervalMs,
    fetch: async () => {
      fetches++;
      return [...served];
    },
  });
  return { clock, served, discovery, fetches: () => fetches };
}

describe("ResourceDiscovery", () => {
  it("fetches once for lookups that match, and shares one fetch between concurrent lookups", async () => {
    const { discovery, fetches } = setup();
    const [a, b] = await Promise.all([
      discovery.lookup("widgets", NEVER),
      discovery.lookup("widgets", NEVER),
    ]);
    expect(a?.plural).toBe("widgets");
    expect(b?.plural).toBe("widgets");
    await discovery.lookup("widgets", NEVER);
    expect(fetches()).toBe(1);
  });

  it("refreshes on a miss at most once per interval, and then finds a resource served later", async () => {
    const { clock, served, discovery, fetches } = setup(1000);
    expect(await discovery.lookup("gadgets", NEVER)).toBeUndefined();
    expect(fetches()).toBe(1); // the first fetch is fresh: no second one at once
    await clock.advance(999);
    expect(await discovery.lookup("gadgets", NEVER)).toBeUndefined();
    expect(fetches()).toBe(1);
    served.push(widget("gadgets"));
    await clock.advance(1);
    expect((await discovery.lookup("gadgets", NEVER))?.plural).toBe("gadgets");
    expect(fetches()).toBe(2);
  });

  it("after invalidate(), fetches again on the next lookup once the interval allows", async () => {
    const { clock, served, discovery, fetches } = setup(1000);
    await discovery.lookup("widgets", NEVER);
    served.splice(0, 1, { ...widget("widgets"), version: "v2" });
    discovery.invalidate();
    expect((await discovery.lookup("widgets", NEVER))?.version).toBe("v1");
    await clock.advance(1000);
    expect((await discovery.lookup("widgets", NEVER))?.version).toBe("v2");
    expect(fetches()).toBe(2);
  });

  it("a failed first fetch is not kept: the next lookup fetches again", async () => {
    const clock = new ManualClock();
    let fail = true;
    const discovery = new ResourceDiscovery({
      clock,
      refreshIntervalMs: 1000,
      fetch: async () => {
        if (fail) throw new Error("connection refused");
        return [widget("widgets")];
      },
    });
    await expect(discovery.lookup("widgets", NEVER)).rejects.toThrow("connection refused");
    fail = false;
    expect((await discovery.lookup("widgets", NEVER))?.plural).toBe("widgets");
  });

  it("a caller's abort ends its wait, not the fetch others share", async () => {
    const clock = new ManualClock();
    let release = (_: DiscoveredResource[]) => {};
    const discovery = new ResourceDiscovery({
      clock,
      refreshIntervalMs: 0,
      fetch: () => new Promise((resolve) => (release = resolve)),
    });
    const controller = new AbortController();
    const aborted = discovery.lookup("widgets", controller.signal);
    const other = discovery.lookup("widgets", NEVER);
    controller.abort(new Error("stop"));
    await expect(aborted).rejects.toThrow("stop");
    release([widget("widgets")]);
    expect((await other)?.plural).toBe("widgets");
  });
});
