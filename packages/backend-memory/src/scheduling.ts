/** fast-check's `s.schedule` shape: the returned promise settles when the scheduler says so. */
export type Schedule = <T>(promise: Promise<T>, label: string) => Promise<T>;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export function attempt<T>(run: () => T): Outcome<T> {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Turns a ready outcome into the promise a caller gets, through `schedule` when there is one.
 * The scheduler is handed a promise that always resolves (to the outcome record): a rejected
 * promise waiting inside a scheduler would be reported as an unhandled rejection.
 */
export function settle<T>(outcome: Outcome<T>, schedule: Schedule | undefined, label: string): Promise<T> {
  if (schedule === undefined)
    return outcome.ok ? Promise.resolve(outcome.value) : Promise.reject(outcome.error);
  return schedule(Promise.resolve(outcome), label).then(unwrap);
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw outcome.error;
}
