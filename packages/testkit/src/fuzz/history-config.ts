import fc from "fast-check";
import { FUZZ_NAMES, type FuzzKind } from "./fuzz-kinds.js";

/** What one history is run with (generated, so it shrinks and replays with the commands). */
export interface HistoryConfig {
  kinds: FuzzKind[];
  maxUpdatesToConsolidate: number;
  /** Written before the syncer starts, so the first lists have something to deliver. */
  initial: { kind: string; name: string }[];
  /** Entries per part of a list in parts, for a driver that can page lists; unset: whole lists. */
  listPageSize?: number;
}

/** The arbitrary every history's config is drawn from. */
export function historyConfig(kinds: readonly FuzzKind[], pagedLists: boolean): fc.Arbitrary<HistoryConfig> {
  // About half the histories list in parts of 1 to 3 entries (a kind holds at most 3 names, so
  // that is several parts, or one); shrinking prefers whole lists.
  const listPageSize = pagedLists
    ? fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 3 }))
    : fc.constant(undefined);
  return fc
    .record({
      kinds: fc.subarray([...kinds], { minLength: 1 }),
      maxUpdatesToConsolidate: fc.constantFrom(1000, 1, 2),
      initial: fc.array(
        fc.record({
          kind: fc.constantFrom(...kinds.map((k) => k.kind)),
          name: fc.constantFrom(...FUZZ_NAMES),
        }),
        { maxLength: 4 },
      ),
      listPageSize,
    })
    .map(({ listPageSize: pageSize, ...config }) => ({
      ...config,
      initial: config.initial.filter((write) => config.kinds.some((k) => k.kind === write.kind)),
      ...(pageSize === undefined ? {} : { listPageSize: pageSize }),
    }));
}
