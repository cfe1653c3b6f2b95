import { parseArgs } from "node:util";

export interface SoakOptions {
  minutes: number;
  /** Writes per second asked of the workload. */
  rate: number;
  /** Keys seeded over the three demo kinds; the workload keeps the population near this. */
  keys: number;
  seed: number;
  faultsPerSecond: number;
  checkEveryMs: number;
  checkTimeoutMs: number;
  slowEveryMs: number;
  slowForMs: number;
  /** A deliberate leak in the consumer, to show the verdict catches one; 0 in a real soak. */
  leakBytesPerEvent: number;
  /** Share of the run before the slopes are measured: startup and the first plateau are not a leak. */
  warmUpShare: number;
}

export const SOAK_DEFAULTS: SoakOptions = {
  minutes: 2,
  // Asked a tenth above the 10k writes/s goal: the workload's timer ticks lose a few percent.
  rate: 11_000,
  keys: 20_000,
  seed: 16,
  faultsPerSecond: 0.5,
  checkEveryMs: 5_000,
  checkTimeoutMs: 10_000,
  slowEveryMs: 15_000,
  slowForMs: 1_000,
  leakBytesPerEvent: 0,
  warmUpShare: 0.3,
};

const NUMERIC = ["minutes", "rate", "keys", "seed", "faults-per-second", "leak-bytes-per-event"] as const;

/**
 * `--minutes N --rate N --keys N --seed N --faults-per-second N --leak-bytes-per-event N`; a
 * leading `--` is ignored.
 */
export function parseSoakOptions(argv: readonly string[]): SoakOptions {
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    options: Object.fromEntries(NUMERIC.map((name) => [name, { type: "string" as const }])),
  });
  const number = (name: (typeof NUMERIC)[number], fallback: number): number => {
    const text = values[name];
    if (text === undefined) return fallback;
    const value = Number(text);
    if (typeof text !== "string" || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`--${name} must be a number > 0, got ${JSON.stringify(text)}`);
    }
    return value;
  };
  return {
    ...SOAK_DEFAULTS,
    minutes: number("minutes", SOAK_DEFAULTS.minutes),
    rate: number("rate", SOAK_DEFAULTS.rate),
    keys: Math.round(number("keys", SOAK_DEFAULTS.keys)),
    seed: Math.round(number("seed", SOAK_DEFAULTS.seed)),
    faultsPerSecond: number("faults-per-second", SOAK_DEFAULTS.faultsPerSecond),
    leakBytesPerEvent: Math.round(number("leak-bytes-per-event", SOAK_DEFAULTS.leakBytesPerEvent)),
  };
}
