/** Whatever was thrown, as an Error, so logs always carry one. */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
