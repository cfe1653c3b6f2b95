import { describe, expect, it } from "vitest";
import { DEFAULTS, systemClock, WATCHER_SYNCER_DEFAULTS } from "./index.js";
import { resolveOptions } from "./options.js";

describe("syncer options", () => {
  it("default to Calico's intervals", () => {
    const { resolved, clock } = resolveOptions();
    expect(resolved).toEqual({
      minResyncInterval: 500,
      listRetryInterval: 1000,
      watchPollInterval: 5000,
      maxErrorsPerRevision: 5,
      maxUpdatesToConsolidate: 1000,
      stopTimeoutMs: 10_000,
    });
    expect(resolved).toEqual(WATCHER_SYNCER_DEFAULTS);
    expect(DEFAULTS).toBe(WATCHER_SYNCER_DEFAULTS);
    expect(clock).toBe(systemClock);
  });

  it("reject nonsense with a RangeError naming the option", () => {
    expect(() => resolveOptions({ minResyncInterval: -1 })).toThrow(/minResyncInterval/);
    expect(() => resolveOptions({ listRetryInterval: Number.NaN })).toThrow(/listRetryInterval/);
    expect(() => resolveOptions({ maxUpdatesToConsolidate: 0 })).toThrow(/maxUpdatesToConsolidate/);
    expect(() => resolveOptions({ stopTimeoutMs: Number.POSITIVE_INFINITY })).toThrow(/stopTimeoutMs/);
    expect(resolveOptions({ maxErrorsPerRevision: 0 }).resolved.maxErrorsPerRevision).toBe(0);
  });

  it("treat an option given as undefined as not given", () => {
    expect(resolveOptions({ minResyncInterval: undefined }).resolved.minResyncInterval).toBe(500);
  });
});
