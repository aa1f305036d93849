import { DomainError } from '../domain-error.js';

/** A task the clock runs once its time has come. */
type ScheduledTask = { at: number; seq: number; run: () => void };

/** The latest time the clock may reach: the last millisecond a four-digit year can write (RFC 3339 needs four). */
const LAST_CLOCK_TIME = Date.parse('9999-12-31T23:59:59.999Z');

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
    // Real time can step back (NTP); the clock must not.
    const reading = Math.max(this.frozenAtMs ?? this.realNow() + this.offsetMs, this.lastReading);
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
    if (!(seconds > 0) || !Number.isFinite(seconds)) throw new RangeError('seconds must be a positive number');
    if (this.now() + seconds * 1000 > LAST_CLOCK_TIME) {
      throw new DomainError(
        'invalid',
        'INVALID_VALUE',
        `seconds: must not move the clock past ${iso(LAST_CLOCK_TIME)}`,
      );
    }
    this.moveBy(seconds * 1000);
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
    const now = this.now();
    if (at < now) {
      throw new DomainError(
        'invalid',
        'INVALID_VALUE',
        `now: must not be earlier than the clock's time ${iso(now)}; the clock never goes back`,
      );
    }
    if (at > LAST_CLOCK_TIME) {
      throw new DomainError('invalid', 'INVALID_VALUE', `now: must not be later than ${iso(LAST_CLOCK_TIME)}`);
    }
    // Freeze at the reading `at` was checked against: freezing after the move would let a running clock tick past it.
    if (options.frozen === true) this.freezeAt(now);
    if (at > now) this.moveBy(at - now);
    if (options.frozen === false) this.unfreeze();
    return this.date();
  }

  /** Stops the clock where it stands: from now on it moves only when advanced or set. */
  freeze(): void {
    this.freezeAt(this.now());
  }

  /** Lets a frozen clock follow real time again, from where it stands. */
  unfreeze(): void {
    if (this.frozenAtMs === undefined) return;
    this.offsetMs = this.frozenAtMs - this.realNow();
    this.frozenAtMs = undefined;
    this.arm();
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

  /** Freezes a running clock at `ms` (a reading already taken); a frozen clock keeps no real-time timer. */
  private freezeAt(ms: number): void {
    if (this.frozenAtMs !== undefined) return;
    this.frozenAtMs = ms;
    this.arm();
  }

  private moveBy(ms: number): void {
    if (this.frozenAtMs !== undefined) this.frozenAtMs += ms;
    else this.offsetMs += ms;
    this.runDue();
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
