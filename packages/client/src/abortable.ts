/**
 * Waits `ms` milliseconds; rejects with `signal.reason` as soon as the signal aborts. The report helpers take one
 * as an option so tests (or a virtual clock) decide how long a wait really lasts.
 *
 * @example
 * // A test's sleep: records the waits and returns at once
 * const waits: number[] = [];
 * const sleep: Sleep = async (ms) => void waits.push(ms);
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * The default {@link Sleep}: a real `setTimeout` that the signal cancels.
 *
 * @example
 * await sleep(5_000, AbortSignal.timeout(1_000)); // rejects after one second with a TimeoutError
 */
export const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Settles like `promise`, or rejects with `signal.reason` as soon as the signal aborts, whichever comes first.
 * The helpers wrap every wait in it because an injected `fetch` or `sleep` may ignore the signal (an in-process
 * `app.fetch` does), and an abort must still end the wait at once.
 *
 * @example
 * const answer = await abortable(freshchat.GET('/agents/status'), signal);
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    // Nobody awaits the loser any more; keep its eventual rejection from surfacing as unhandled.
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
