/**
 * Bad command line: main prints `watchersyncer: <message>` and the short usage (only the message
 * when `brief`, as `serve` asks), and exits 2.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly brief: boolean;

  constructor(message: string, options: { brief?: boolean } = {}) {
    super(message);
    this.brief = options.brief === true;
  }
}
