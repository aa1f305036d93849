import { DomainError } from '../domain-error.js';

/** A task the clock runs once its time has come. */
type ScheduledTask = { at: number; seq: number; run: () => void };

/** The latest time the clock may reach: the last millisecond a four-digit year can write (RFC 3339 needs four). */
const LAST_CLOCK_TIME = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * Where the clock stands, as an event records it: its time `at`, and whether it is frozen there or follows real
 * time from `at` onwards as of real time `realAt` (both epoch ms).
 */
export type ClockReading = { at: number; realAt: number; frozen: boolean };

/** How a clock starts. */
export type VirtualClockOptions = {
  /** Frozen: the clock moves only when advanced or set. Otherwise it follows real time. */
  frozen?: boolean | undefined;
};

/**
 * The one clock every part of the sandbox reads. It follows real time from wherever it stands, or stands still while
 * frozen; tests move it forward with `advance` and `set`; it never goes back. Tasks scheduled on it (report
 * completion, webhook retries) run when their time comes, whether real time or a test brings it.
 *
 * @example
 * const clock = VirtualClock.frozenAt('2030-01-01T09:00:00Z');
 * clock.schedule(clock.now() + 30_000, () => console.log('30 clock-seconds later'));
 * clock.advance(30); // runs the task now; clock.now() is exactly 2030-01-01T09:00:30Z
 */
export class VirtualClock {
  private offsetMs = 0;
  /** The clock's time while frozen; undefined while it follows real time. */
  private frozenAtMs: number | undefined;
  private readonly tasks: ScheduledTask[] = [];
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastReading = Number.NEGATIVE_INFINITY;

  /**
   * @param realNow the real time source (injectable for tests)
   * @param start where the clock starts; real time when left out
   * @param options `frozen` to start it standing still
   */
  constructor(
    private readonly realNow: () => number = Date.now,
    start?: Date,
    options: VirtualClockOptions = {},
  ) {
    if (start) this.offsetMs = start.getTime() - realNow();
    if (options.frozen) this.frozenAtMs = start?.getTime() ?? realNow();
  }

  /** A clock frozen at `start` (a Date, an ISO-8601 string or epoch ms): it moves only when advanced or set. */
  static frozenAt(start: Date | string | number): VirtualClock {
    const at = new Date(start);
    if (Number.isNaN(at.getTime())) throw new RangeError(`not a time: ${String(start)}`);
    return new VirtualClock(Date.now, at, { frozen: true });
  }

  /** How far the clock is ahead of real time, in ms (a durable log records it to replay each change at its time). */
  get offset(): number {
    return this.now() - this.realNow();
  }

  /** Whether the clock stands still until advanced or set. */
  get frozen(): boolean {
    return this.frozenAtMs !== undefined;
  }

  /** Current clock time in epoch milliseconds. Never smaller than an earlier reading. */
  now(): number {
    return this.read(this.realNow());
  }

  /** Where the clock stands now, as a `clockSet` event records it. */
  reading(): ClockReading {
    const realAt = this.realNow();
    return { at: this.read(realAt), realAt, frozen: this.frozen };
  }

  /**
   * Puts the clock where `reading` says (applying a `clockSet` event, or a restart's), then runs the tasks due.
   * The one place the clock may go back: a restart applies its readings in order, from the first.
   */
  restore(reading: ClockReading): void {
    this.offsetMs = reading.at - reading.realAt;
    this.frozenAtMs = reading.frozen ? reading.at : undefined;
    this.lastReading = reading.at;
    this.runDue();
  }

  /** Where `advance(seconds)` would put the clock; refuses as it does. Changes nothing. */
  planAdvance(seconds: number): ClockReading {
    if (!(seconds > 0) || !Number.isFinite(seconds)) throw new RangeError('seconds must be a positive number');
    const { at, realAt, frozen } = this.reading();
    if (at + seconds * 1000 > LAST_CLOCK_TIME) {
      throw new DomainError(
        'invalid',
        'INVALID_VALUE',
        `seconds: must not move the clock past ${iso(LAST_CLOCK_TIME)}`,
      );
    }
    return { at: at + seconds * 1000, realAt, frozen };
  }

  /** Where `set(at, options)` would put the clock; refuses as it does. Changes nothing. */
  planSet(at: number, options: { frozen?: boolean | undefined } = {}): ClockReading {
    const now = this.reading();
    if (at < now.at) {
      throw new DomainError(
        'invalid',
        'INVALID_VALUE',
        `now: must not be earlier than the clock's time ${iso(now.at)}; the clock never goes back`,
      );
    }
    if (at > LAST_CLOCK_TIME) {
      throw new DomainError('invalid', 'INVALID_VALUE', `now: must not be later than ${iso(LAST_CLOCK_TIME)}`);
    }
    return { at, realAt: now.realAt, frozen: options.frozen ?? now.frozen };
  }

  /** The reading taken now, frozen (`true`) or following real time (`false`) from here. */
  planFrozen(frozen: boolean): ClockReading {
    return { ...this.reading(), frozen };
  }

  /** The clock's reading at real time `real`. Never smaller than an earlier reading. */
  private read(real: number): number {
    // Real time can step back (NTP); the clock must not.
    const reading = Math.max(this.frozenAtMs ?? real + this.offsetMs, this.lastReading);
    this.lastReading = reading;
    return reading;
  }

  /** Current clock time as a Date. */
  date(): Date {
    return new Date(this.now());
  }

  /**
   * Moves the clock forward by `seconds` (fractions allowed) and runs every task that falls due, in time order.
   * Returns the new time. Past `LAST_CLOCK_TIME` it refuses (`invalid`, naming `seconds`).
   */
  advance(seconds: number): Date {
    this.restore(this.planAdvance(seconds));
    return this.date();
  }

  /**
   * Moves the clock to `at` (epoch ms) and runs every task that falls due on the way, as `advance` does. An instant
   * before the clock's time is refused (`invalid`, naming `now`): the clock never goes back. `frozen: true` freezes it at
   * exactly `at`; `frozen: false` lets it follow real time from `at`; left out, the clock stays frozen or not.
   *
   * @example
   * clock.set(Date.parse('2030-01-01T09:00:00Z'), { frozen: true }); // clock.now() is exactly that instant
   */
  set(at: number, options: { frozen?: boolean | undefined } = {}): Date {
    this.restore(this.planSet(at, options));
    return this.date();
  }

  /** Stops the clock where it stands: from now on it moves only when advanced or set. */
  freeze(): void {
    if (!this.frozen) this.restore(this.planFrozen(true));
  }

  /** Lets a frozen clock follow real time again, from where it stands. */
  unfreeze(): void {
    if (this.frozen) this.restore(this.planFrozen(false));
  }

  /** Runs `run` once the clock reaches `at` (epoch ms); at once if that time has passed. Returns a cancel function. */
  schedule(at: number, run: () => void): () => void {
    const task: ScheduledTask = { at, seq: this.seq++, run };
    // Sorted insert: tasks are few (pending reports and webhook retries), a linear scan is plenty.
    let i = this.tasks.length;
    while (i > 0 && (this.tasks[i - 1] as ScheduledTask).at > at) i--;
    this.tasks.splice(i, 0, task);
    this.runDue();
    return () => {
      const index = this.tasks.indexOf(task);
      if (index >= 0) this.tasks.splice(index, 1);
      this.arm();
    };
  }

  /** Drops every scheduled task (used by reset; the time itself stays). */
  clearTasks(): void {
    this.tasks.length = 0;
    this.arm();
  }

  /** Stops the real-time timer so a process can exit; tasks still run on `advance`. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private runDue(): void {
    const now = this.now();
    while (this.tasks.length > 0 && (this.tasks[0] as ScheduledTask).at <= now) {
      const task = this.tasks.shift() as ScheduledTask;
      task.run();
    }
    this.arm();
  }

  /**
   * Keeps one real-time timer for the earliest task, so tasks also run when real time alone brings them due. A
   * frozen clock needs none: only `advance` and `set` move it.
   */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.tasks[0];
    if (!next || this.frozenAtMs !== undefined) return;
    // setTimeout caps at 2^31-1 ms; a later task is re-armed when this one fires.
    const delay = Math.min(Math.max(next.at - this.now(), 0), 2 ** 31 - 1);
    this.timer = setTimeout(() => this.runDue(), delay);
    this.timer.unref?.();
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
