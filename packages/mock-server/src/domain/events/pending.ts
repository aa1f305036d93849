/** A command's answer: at once when its events were accepted at once, or a promise when the sink must wait. */
export type Pending<T> = T | Promise<T>;

/**
 * `then(value)`, at once for a value, or once a promise settles: the fast path stays free of promises.
 *
 * @example
 * return whenDone(createStatus(sandbox, account, body), (status) => ({ status: 201, body: status }));
 */
export function whenDone<T, R>(value: Pending<T>, then: (value: T) => R): Pending<R> {
  return value instanceof Promise ? value.then(then) : then(value);
}
