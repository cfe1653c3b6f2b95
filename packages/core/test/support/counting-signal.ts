/**
 * A signal that counts its "abort" listeners, so a test can check that code which listens on a
 * long-lived signal (a run's, a queue's) lets go of its listener once it is done.
 */
export function countingSignal(): {
  controller: AbortController;
  signal: AbortSignal;
  listeners: () => number;
} {
  const controller = new AbortController();
  const signal = controller.signal;
  let listeners = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) => {
    if (type === "abort") listeners++;
    add(type, listener, options);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, listener: EventListener) => {
    if (type === "abort") listeners--;
    remove(type, listener);
  }) as typeof signal.removeEventListener;
  return { controller, signal, listeners: () => listeners };
}
