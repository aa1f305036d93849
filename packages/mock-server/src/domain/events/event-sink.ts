import type { SandboxIds } from '../sandbox-ids.js';
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
 * What a command decided: its events, what it answers once they are applied, and what it tells others (the
 * status-change and reset listeners) once they are kept: at once, or when a group commit's fsync has succeeded.
 */
export type Decision<R> = { events: SandboxEvent[]; answer: () => R; announce?: ((answer: R) => void) | undefined };

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

/**
 * Carries out the sandbox's commands against its sink: each decided, its events accepted by the sink, applied, then
 * answered, and undone as a whole when a group commit could not keep them. The one place the sink's contract is
 * honoured; the sandbox and every command go through it.
 *
 * @example
 * // The sandbox makes its own, applying with `Sandbox.apply` and rebuilding by replaying the store:
 * sandbox.commands.execute(() => ({ events: [{ type: 'faultsCleared', app: account.appId }], answer: () => {} }));
 */
export class Commands {
  /** Counts rebuilds: a batch accepted before the last one was undone by it (see `undo`). */
  private rebuilds = 0;

  /**
   * @param sink where the events go before they are applied
   * @param ids the sandbox's ids: a refused command's draws are drawn again, and a batch says how many were drawn
   * @param apply applies one event (`Sandbox.apply`)
   * @param rebuild rebuilds the state from what the store kept, after a batch was not kept
   */
  constructor(
    readonly sink: EventSink,
    private readonly ids: SandboxIds,
    private readonly apply: (event: SandboxEvent) => void,
    private readonly rebuild: () => void,
  ) {}

  /**
   * Carries out a command: `decide` checks it against the state (throwing a `DomainError` and changing nothing
   * when it is refused) and returns its events; the sink takes them (a refusal, such as a full disk, applies
   * nothing); they are applied; then `answer` answers. No events: nothing to keep, `answer` answers at once (or,
   * when earlier changes still wait to be kept, once they are).
   *
   * A sink that must wait (a group commit) returns a promise: the events are applied at once, so the next
   * decision sees them, the answer is computed at once, and both the answer and `announce` wait for the promise.
   * If it rejects, the batch was not kept: `undo` has the state rebuilt from what the store kept, and the answer is the
   * refusal.
   *
   * @example
   * sandbox.commands.execute(() => ({ events: [{ type: 'faultsCleared', app: account.appId }], answer: () => undefined }));
   */
  execute<R>(decide: () => Decision<R>): Pending<R> {
    const drawnBefore = this.ids.drawn;
    const { events, answer, announce } = decide();
    let durable: void | Promise<void>;
    if (events.length === 0) {
      // Nothing to keep; but what it read may be changes still waiting to be kept.
      durable = this.sink.unsettled?.();
    } else {
      try {
        durable = this.sink.accept(this.batchOf(events));
      } catch (error) {
        // Refused: the ids it drew are drawn again by the next command, as if this one had never come.
        this.ids.resume(drawnBefore);
        throw error;
      }
      for (const event of events) this.apply(event);
    }
    const answered = answer();
    if (!(durable instanceof Promise)) {
      announce?.(answered);
      return answered;
    }
    const rebuilds = this.rebuilds;
    return durable.then(
      () => {
        announce?.(answered);
        return answered;
      },
      (error: unknown) => {
        this.undo(rebuilds);
        throw error;
      },
    );
  }

  /**
   * A batch accepted after the `rebuilds`-th rebuild was not kept. The sink then refuses it and every batch it
   * accepted after it (they were all applied after it), and the state holds changes that were never kept: it is
   * rebuilt from what the store kept, once for all of them (the first refusal rebuilds; the others were accepted
   * before that rebuild, which undid them too).
   */
  private undo(rebuilds: number): void {
    if (rebuilds !== this.rebuilds) return;
    this.rebuilds++;
    this.rebuild();
  }

  /**
   * {@link execute} for a command whose events take long to apply (a large simulation): decided and taken by the
   * sink the same way, then applied by `applySteps` a slice per step, so other commands are carried out between
   * steps; answered after the last. `applySteps` must leave the state as `apply` of the events would (a restart
   * applies them that way), with the commands carried out meanwhile as if they came after it: they must not touch
   * what it creates before it is done.
   *
   * @example
   * const steps = sandbox.commands.executeInSteps(() => ({ events, applySteps: () => account.simulation.applySteps(…), answer }));
   */
  *executeInSteps<R>(
    decide: () => Decision<R> & { applySteps: () => Generator<void, unknown> },
  ): Generator<void, Pending<R>> {
    const drawnBefore = this.ids.drawn;
    const { events, answer, applySteps } = decide();
    let durable: void | Promise<void>;
    try {
      durable = this.sink.accept(this.batchOf(events));
    } catch (error) {
      this.ids.resume(drawnBefore);
      throw error;
    }
    yield* applySteps();
    const answered = answer();
    return durable instanceof Promise ? durable.then(() => answered) : answered;
  }

  /** A batch of events as the sink takes them: with an id seed, how many ids were drawn. */
  batchOf(events: SandboxEvent[]): EventBatch {
    return this.ids.seed === undefined ? { events } : { events, idsDrawn: this.ids.drawn };
  }
}
