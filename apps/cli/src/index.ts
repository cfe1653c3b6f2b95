/**
 * The `watchersyncer` command line as a library: parses arguments, opens the chosen backend
 * (memory, etcd or Kubernetes), runs a watcher syncer and prints its updates and status; with the
 * memory backend it is a self-verifying demo. `main(argv, io)` is what the `watchersyncer` binary
 * runs.
 *
 * @module
 */
export { DEFAULT_RATE, type Invocation, parseCommandLine, type WatchArgs } from "./args/command-line.js";
export { UsageError } from "./args/usage-error.js";
export type { Backend, BackendContext, KindInfo, OpenedBackend } from "./backends/backend.js";
export { BACKENDS } from "./backends/registry.js";
export { CATCH_UP_TIMEOUT_MS, type RunWatchOptions, runWatch } from "./commands/watch.js";
export {
  DEMO_KINDS,
  DEMO_NAMESPACES,
  DEMO_SYNCER_OPTIONS,
  type DemoDatastore,
  type DemoOptions,
  type DemoStats,
  DemoWorkload,
  FAULT_KINDS,
  type FaultKind,
} from "./demo/demo-workload.js";
export {
  compareViews,
  describeVerification,
  type Verification,
  type ViewDifference,
  verify,
} from "./demo/verify.js";
export { EXIT, main } from "./main.js";
export { OUTPUT_FORMATS, type OutputFormat } from "./output/index.js";
export type { CliIo, OutputStream } from "./support/io.js";
