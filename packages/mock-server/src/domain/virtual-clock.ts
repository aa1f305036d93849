/** A task the clock runs once its time has come. */
type ScheduledTask = { at: number; seq: number; run: () => void };

/**
 * The one clock every part of the sandbox reads. It follows real time from wherever it stands, and tests move it
 * forward with `advance`; it never goes back. Tasks scheduled on it (report completion, webhook retries) run when
 * their time comes, whether real time or an advance brings it.
 *
 * @example
 * const clock = new VirtualClock();
 * clock.schedule(clock.now() + 30_000, () => console.log('30 clock-seconds later'));
 * clock.advance(30); // runs the task now
 */
export class VirtualClock {
  private offsetMs = 0;
  private readonly tasks: ScheduledTask[] = [];
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastReading = 0;

  /**
   * @param realNow the real time source (injectable for tests)
   * @param start where the clock starts; real time when left out
   */
  constructor(
    private readonly realNow: () => number = Date.now,
    start?: Date,
  ) {
    if (start) this.offsetMs = start.getTime() - realNow();
  }

  /** How far the clock is ahead of real time, in ms (a durable log records it to replay each change at its time). */
  get offset(): number {
    return this.offsetMs;
  }

  /** Current clock time in epoch milliseconds. Never smaller than an earlier reading. */
  now(): number {
    // Real time can step back (NTP); the clock must not.
    const reading = Math.max(this.realNow() + this.offsetMs, this.lastReading);
    this.lastReading = reading;
    return reading;
  }

  /** Current clock time as a Date. */
  date(): Date {
    return new Date(this.now());
  }

  /**
   * Moves the clock forward by `seconds` (fractions allowed) and runs every task that falls due, in time order.
   * Returns the new time.
   */
  advance(seconds: number): Date {
    if (!(seconds > 0) || !Number.isFinite(seconds)) throw new RangeError('seconds must be a positive number');
    this.offsetMs += seconds * 1000;
    this.runDue();
    return this.date();
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

  /** Keeps one real-time timer for the earliest task, so tasks also run when real time alone brings them due. */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.tasks[0];
    if (!next) return;
    // setTimeout caps at 2^31-1 ms; a later task is re-armed when this one fires.
    const delay = Math.min(Math.max(next.at - this.now(), 0), 2 ** 31 - 1);
    this.timer = setTimeout(() => this.runDue(), delay);
    this.timer.unref?.();
  }
}
