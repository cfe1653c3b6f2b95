import { MemoryDatastore } from "@watchersyncer/backend-memory";
import {
  type CampaignResult,
  campaignVerdict,
  describeFuzzFailure,
  type FuzzDriverFactory,
  memoryFuzzDriver,
  replayFromEnv,
  runFuzzCampaign,
  type SyncerFactory,
} from "@watchersyncer/testkit/fuzz";
import { DEFAULT_FUZZ_RUNS, type FuzzArgs } from "../args/command-line.js";
import type { CliIo } from "../support/io.js";

export interface RunFuzzOptions {
  /** The syncer under test; default core's. Tests pass a broken one. */
  createSyncer?: SyncerFactory;
}

// `listPageSize` comes in some histories: the store then lists in parts, so the syncer's paged path is fuzzed too.
const memoryDrivers: FuzzDriverFactory = ({ clock, schedule, listPageSize }) =>
  memoryFuzzDriver(
    new MemoryDatastore({
      clock,
      ...(schedule === undefined ? {} : { schedule }),
      ...(listPageSize === undefined ? {} : { listPageSize }),
    }),
  );

/**
 * `watchersyncer fuzz`: the testkit's fuzz campaign against the memory backend. Prints one verdict
 * line; on failure also the shrunk history and the command that replays it. Returns the exit code.
 */
export async function runFuzz(args: FuzzArgs, io: CliIo, options: RunFuzzOptions = {}): Promise<number> {
  let replay: ReturnType<typeof replayFromEnv>;
  try {
    replay = replayFromEnv(io.env);
  } catch (err) {
    io.stderr.write(`watchersyncer: ${(err as Error).message}\n`);
    return 2;
  }
  const result: CampaignResult = await runFuzzCampaign(memoryDrivers, {
    ...replay,
    ...(args.seed === undefined ? {} : { seed: args.seed }),
    ...(args.minutes === undefined ? {} : { minutes: args.minutes }),
    runs: args.runs ?? (args.minutes === undefined ? DEFAULT_FUZZ_RUNS : undefined),
    ...(options.createSyncer === undefined ? {} : { createSyncer: options.createSyncer }),
    ...(io.signal === undefined ? {} : { signal: io.signal }),
  });
  io.stdout.write(`${campaignVerdict(result)}\n`);
  const failure = result.failure;
  if (failure === undefined) return 0;
  const described = describeFuzzFailure(failure).replace(/ pnpm fuzz$/, " watchersyncer fuzz");
  io.stdout.write(`${described}\n`);
  return 1;
}
