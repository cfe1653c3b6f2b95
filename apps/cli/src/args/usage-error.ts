/** Bad command line: main prints `watchersyncer: <message>` and the short usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
