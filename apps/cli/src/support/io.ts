/** Where the CLI writes. `process.stdout` fits, and so does a string collector in tests. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  /** Terminal width, when it is one. */
  columns?: number;
}

/** Everything `main` touches of the outside world, injected so tests can run it in-process. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGINT/SIGTERM: a run without --duration then stops cleanly. */
  signal?: AbortSignal;
}
