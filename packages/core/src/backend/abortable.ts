/**
 * `promise`, but rejected with `signal.reason` as soon as `signal` aborts, so a backend that ignores
 * the signal cannot hold up `stop()`. A value that arrives after the abort is handed to `discard`
 * (a watch that opened too late is stopped there), since nobody else will ever see it; a late
 * failure is swallowed, not left unhandled.
 */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  discard?: (late: T) => void,
): Promise<T> {
  if (signal.aborted) {
    promise.then(discard, () => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    // A value or failure that comes after the abort still reaches the handlers below, which
    // discard the one and swallow the other.
    const onAbort = () => reject(signal.reason);
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: "abort" fires once
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) discard?.(value);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

/** Throws `signal.reason` (or a plain "aborted" error when it has none) once `signal` aborted. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason ?? new Error("aborted");
}
