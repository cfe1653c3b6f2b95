// The memory backend's tests depend on the testkit, so the testkit cannot depend on the backend
// (a cycle); its tests load the backend's build by path instead (build it first).
import { MemoryDatastore } from "../../../backend-memory/dist/index.js";
import { type FuzzDriverFactory, memoryFuzzDriver } from "../../src/index.js";

/** Drivers over fresh memory datastores on the fuzz's clock and scheduler. */
export const memoryDriverFactory: FuzzDriverFactory = ({ clock, schedule }) =>
  memoryFuzzDriver(new MemoryDatastore({ clock, ...(schedule === undefined ? {} : { schedule }) }));
