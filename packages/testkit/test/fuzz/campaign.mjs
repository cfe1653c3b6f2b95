#!/usr/bin/env node
// `pnpm fuzz`: a long, time-bounded fuzz campaign against the memory backend, in simulated time.
//
//   pnpm fuzz                          5 minutes (FUZZ_MINUTES or --minutes to change)
//   pnpm fuzz --runs 50000             a number of histories instead
//   FUZZ_SEED=… FUZZ_PATH=… pnpm fuzz  replay one reported failure (add FUZZ_REPLAY_PATH if printed)
//
// Prints progress on stderr, then the verdict, histories/s and how often each command ran. Node
// only: it loads the built testkit and the memory backend's build (`pnpm fuzz` at the root builds
// both first).
import { parseArgs } from "node:util";
import { MemoryDatastore } from "../../../backend-memory/dist/index.js";
import {
  campaignVerdict,
  commandCoverage,
  describeFuzzFailure,
  memoryFuzzDriver,
  replayFromEnv,
  runFuzzCampaign,
} from "../../dist/index.js";

const DEFAULT_MINUTES = 5;

function options() {
  // `pnpm fuzz -- --minutes 3` hands the script its own `--` first; the flags after it are ours.
  const args = process.argv.slice(2);
  if (args[0] === "--") args.shift();
  const { values } = parseArgs({
    args,
    options: { minutes: { type: "string" }, runs: { type: "string" }, seed: { type: "string" } },
    strict: true,
  });
  const number = (name, text) => {
    const value = Number(text);
    if (!(text !== "" && Number.isFinite(value) && value > 0))
      throw new Error(`--${name} must be a positive number`);
    return value;
  };
  const replay = replayFromEnv({
    ...process.env,
    ...(values.seed === undefined ? {} : { FUZZ_SEED: values.seed }),
  });
  const minutesText = values.minutes ?? process.env.FUZZ_MINUTES;
  const runs = values.runs === undefined ? undefined : Math.floor(number("runs", values.runs));
  const minutes =
    minutesText !== undefined
      ? number("minutes", minutesText)
      : runs === undefined
        ? DEFAULT_MINUTES
        : undefined;
  return {
    ...replay,
    ...(runs === undefined ? {} : { runs }),
    ...(minutes === undefined ? {} : { minutes }),
  };
}

const drivers = ({ clock, schedule, listPageSize }) =>
  memoryFuzzDriver(
    new MemoryDatastore({
      clock,
      ...(schedule === undefined ? {} : { schedule }),
      ...(listPageSize === undefined ? {} : { listPageSize }),
    }),
  );

let campaign;
try {
  campaign = options();
} catch (error) {
  process.stderr.write(`fuzz: ${error.message}\n`);
  process.exit(2);
}
const interrupt = new AbortController();
process.once("SIGINT", () => interrupt.abort());
const what =
  campaign.path !== undefined
    ? "replaying one history"
    : campaign.runs !== undefined
      ? `${campaign.runs} histories`
      : `${campaign.minutes} min`;
process.stderr.write(`fuzz: memory backend, simulated time, ${what}\n`);
let lastReport = 0;
const result = await runFuzzCampaign(drivers, {
  ...campaign,
  signal: interrupt.signal,
  onProgress: (progress) => {
    if (Date.now() - lastReport < 10_000) return;
    lastReport = Date.now();
    const rate = Math.round(progress.histories / (progress.durationMs / 1000));
    process.stderr.write(`fuzz: … ${progress.histories} histories, ${rate}/s\n`);
  },
});
process.stdout.write(`${campaignVerdict(result)}\n`);
process.stdout.write(`commands run: ${commandCoverage(result)}\n`);
if (result.failure !== undefined) {
  process.stdout.write(`${describeFuzzFailure(result.failure)}\n`);
  process.exitCode = 1;
}
