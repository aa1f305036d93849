import type { SandboxEvent } from './sandbox-event.js';

/** The events of one command, accepted (or refused) together. */
export type EventBatch = {
  readonly events: readonly SandboxEvent[];
  /** With seeded ids: how many ids the sandbox had drawn once the command decided, so a restart draws on from there. */
  readonly idsDrawn?: number | undefined;
};

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

/**
 * Where a command's events go before they are applied: the port the factory fills (the durable log with
 * `--data-dir`, `acceptAtOnce` in memory). The sandbox applies a batch only once `accept` returned.
 *
 * - `accept` throws (a `DomainError` of kind `storage_unavailable`) when it could not take the batch: nothing is applied.
 * - It returns nothing when the batch is written; a promise when it is written but not yet durable (a group commit
 *   waiting for its fsync): the batch is applied at once, so the next decision sees it, and the answer waits for
 *   the promise.
 *
 * @example
 * const sink: EventSink = { accept: (batch) => void log.push(batch) };
 */
export interface EventSink {
  accept(batch: EventBatch): void | Promise<void>;
  /**
   * A sink that makes answers wait: the promise of the last batch not yet durable (undefined when none waits). A
   * command that changes nothing waits for it too, as its answer may rest on those batches.
   */
  unsettled?(): Promise<void> | undefined;
}

/** The in-memory sink: every batch is accepted at once. */
export const acceptAtOnce: EventSink = { accept: () => {} };

/**
 * A sink that also holds the events of earlier runs: what a durable sandbox starts from (the data folder's log).
 * `replay` hands them to `apply` batch by batch, in order; an empty store hands none.
 */
export interface EventStore extends EventSink {
  replay(apply: (batch: EventBatch) => void): void;
}
