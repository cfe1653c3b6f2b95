// Stryker runs vitest in worker threads, which refuse `--expose-gc` in execArgv; core's S17 test
// needs `gc()`, so expose it from inside the worker instead.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
globalThis.gc ??= runInNewContext("gc");
