// The memory backend's tests depend on the testkit, so the testkit cannot depend on the backend
// (a cycle). Its tests load the backend's build by path instead (`pnpm test` builds every package
// first). A static import, so Deno needs no read permission for it; the directive keeps the
// typecheck from depending on the order turbo builds in (with the build present, types flow).
// biome-ignore lint/suspicious/noTsIgnore: the build may legitimately be absent during typecheck.
// @ts-ignore
import { MemoryDatastore } from "../../../backend-memory/dist/index.js";
import { type FuzzableMemoryDatastore, type FuzzDriverFactory, memoryFuzzDriver } from "../../src/index.js";

/** Drivers over fresh memory datastores on the fuzz's clock and scheduler, listing in parts when asked. */
export const memoryDriverFactory: FuzzDriverFactory = ({ clock, schedule, listPageSize }) => {
  const store: FuzzableMemoryDatastore = new MemoryDatastore({
    clock,
    ...(schedule === undefined ? {} : { schedule }),
    ...(listPageSize === undefined ? {} : { listPageSize }),
  });
  return memoryFuzzDriver(store);
};
