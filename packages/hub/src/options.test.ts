import { type Logger, silentLogger, systemClock } from "@watchersyncer/core";
import { ManualClock } from "@watchersyncer/core/testing";
import { describe, expect, it } from "vitest";
import { compareDecimalRevisions, resolveHubOptions, SYNCER_HUB_DEFAULTS } from "./options.js";

const logger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

describe("resolveHubOptions", () => {
  it("fills in the defaults", () => {
    expect(resolveHubOptions({})).toEqual({
      ...SYNCER_HUB_DEFAULTS,
      keepReplacedValues: false,
      compareRevisions: undefined,
      clock: systemClock,
      logger: silentLogger,
    });
    expect(SYNCER_HUB_DEFAULTS).toEqual({
      historyLimit: 10_000,
      historyMaxAgeMs: 75_000,
      watchQueueLimit: 10_000,
      listPageSize: 500,
      olderHistoryTimeoutMs: 5000,
    });
  });

  it("passes a revision order through; compareDecimalRevisions orders growing integers and nothing else", () => {
    expect(resolveHubOptions({ compareRevisions: compareDecimalRevisions }).compareRevisions).toBe(
      compareDecimalRevisions,
    );
    expect(compareDecimalRevisions("9", "10")).toBeLessThan(0);
    expect(compareDecimalRevisions("10", "9")).toBeGreaterThan(0);
    expect(compareDecimalRevisions("12", "12")).toBe(0);
    expect(compareDecimalRevisions("007", "7")).toBe(0);
    expect(compareDecimalRevisions("0", "00")).toBe(0);
    expect(compareDecimalRevisions("7", "007")).toBe(0);
    expect(compareDecimalRevisions("1001", "111")).toBeGreaterThan(0);
    expect(compareDecimalRevisions("111", "1001")).toBeLessThan(0);
    expect(
      compareDecimalRevisions("123456789012345678901234567890", "123456789012345678901234567891"),
    ).toBeLessThan(0);
    expect(compareDecimalRevisions("19", "20")).toBeLessThan(0);
    expect(compareDecimalRevisions("21", "20")).toBeGreaterThan(0);
    for (const bad of ["", "-1", "1.5", "x", "1e3", " 1", "9".repeat(41)]) {
      expect(compareDecimalRevisions(bad, "1")).toBeNaN();
      expect(compareDecimalRevisions("1", bad)).toBeNaN();
    }
  });

  it("takes each numeric option from 1 up, and refuses anything else with a RangeError naming it", () => {
    for (const name of Object.keys(SYNCER_HUB_DEFAULTS) as (keyof typeof SYNCER_HUB_DEFAULTS)[]) {
      expect(resolveHubOptions({ [name]: 1 })[name]).toBe(1);
      expect(resolveHubOptions({ [name]: 7.5 })[name]).toBe(7.5);
      for (const bad of [0.99, 0, -1, Number.NaN, Number.POSITIVE_INFINITY, "3"]) {
        expect(() => resolveHubOptions({ [name]: bad as number })).toThrow(
          new RangeError(`${name} must be a finite number >= 1, got ${String(bad)}`),
        );
      }
    }
  });

  it("keeps replaced values only when asked with true", () => {
    expect(resolveHubOptions({ keepReplacedValues: true }).keepReplacedValues).toBe(true);
    expect(resolveHubOptions({ keepReplacedValues: false }).keepReplacedValues).toBe(false);
  });

  it("takes the clock and logger given, else the upstream syncer's", () => {
    const own = new ManualClock();
    const syncers = new ManualClock();
    const syncerLogger: Logger = { ...logger };
    expect(resolveHubOptions({ clock: own, syncer: { clock: syncers } }).clock).toBe(own);
    expect(resolveHubOptions({ syncer: { clock: syncers } }).clock).toBe(syncers);
    expect(resolveHubOptions({ logger, syncer: { logger: syncerLogger } }).logger).toBe(logger);
    expect(resolveHubOptions({ syncer: { logger: syncerLogger } }).logger).toBe(syncerLogger);
  });
});
