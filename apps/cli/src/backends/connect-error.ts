/**
 * The datastore cannot be used: its connection settings are wrong (a missing kubeconfig or
 * certificate) or it did not answer in time. The CLI prints the message as one line and exits 2.
 */
export class ConnectError extends Error {
  override readonly name = "ConnectError";
}

/** The first line of an error's message, without the stack: what a person needs to fix it. */
export function describeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // gRPC ends its messages with an empty "Resolution note:" when name resolution had nothing to say.
  return message
    .split("\n")[0]!
    .replace(/\s*Resolution note:\s*$/, "")
    .trim();
}
