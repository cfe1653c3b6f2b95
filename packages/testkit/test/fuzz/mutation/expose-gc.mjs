// Stryker runs vitest in worker threads, which refuse `--expose-gc` and `--allow-natives-syntax` in
// execArgv; core's S17 test needs `gc()`, and its interned-key tests (revision-table.test.ts,
// old-generation-key.test.ts) compile `%IsInternalizedString` at load, without which the whole
// file fails to load and none of its tests take part in the mutation run. So set both from inside
// the worker instead, before any test file is compiled.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
setFlagsFromString("--allow-natives-syntax");
globalThis.gc ??= runInNewContext("gc");
