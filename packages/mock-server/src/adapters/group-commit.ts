import { storageUnavailable } from '../domain/domain-error.js';

/** A line written but not yet flushed: its answer waits for the group's fsync. */
type Waiting = { resolve: () => void; reject: (error: unknown) => void };

/** What a group commit needs of the file whose lines it flushes (the durable log's). */
export type FlushedFile = {
  /** Flushes the file to the disk off the event loop, then calls `done` (with the error, if it failed). */
  fsync(done: (error: Error | null) => void): void;
  /** Flushes the file to the disk now. */
  fsyncNow(): void;
  /** How many bytes of the file are written. */
  written(): number;
  /** The file's first `bytes` are on the disk. */
  flushedTo(bytes: number): void;
  /** An fsync failed: what it should have flushed, and every line written since, may be lost (`count` lines). */
  lost(count: number, error: Error): void;
  /** A group was flushed and no line waits. */
  idle(): void;
};

/**
 * The group commit of `--fsync always`: a line written waits (`add`); one fsync, off the event loop, is started by
 * `setImmediate` after the turn's commands and flushes every line written so far, then their promises resolve. Lines
 * written while it runs wait for the next one. A failed fsync refuses its group and every line written since: the
 * file cuts them off (`FlushedFile.lost`) and their promises reject as storage unavailable, so the sandbox undoes
 * them (ARCHITECTURE.md).
 *
 * @example
 * const group = new GroupCommit(file);
 * writeLine(bytes);
 * return group.add(); // resolves once an fsync has flushed the line
 */
export class GroupCommit {
  /** How many fsyncs flushed a group (tests read it; nothing else does). */
  flushes = 0;
  /** The lines written since the last fsync began, waiting for the next one. */
  private waiting: Waiting[] = [];
  private due: ReturnType<typeof setImmediate> | undefined;
  /** An fsync is running: lines written meanwhile wait for the next. */
  private flushing = false;
  private closed = false;
  /** How the flush of `close` went: an fsync still running then has its lines settled by it. */
  private closedWith: Error | null = null;
  /** The promise of the last line written and not yet flushed. */
  private last: Promise<void> | undefined;

  constructor(private readonly file: FlushedFile) {}

  /** A line was written: the promise resolves once an fsync has flushed it, and rejects if it may be lost. */
  add(): Promise<void> {
    const flushed = new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      // After the turn's other commands: they join this fsync.
      if (!this.flushing && !this.due) this.due = setImmediate(() => this.flush());
    });
    this.last = flushed;
    return flushed;
  }

  /** The promise of the last line not yet flushed (groups settle in order, so it settles last); undefined if none. */
  unsettled(): Promise<void> | undefined {
    if (this.waiting.length === 0 && !this.flushing) this.last = undefined;
    return this.last;
  }

  /** Whether an fsync is running (its end flushes what came meanwhile). */
  get running(): boolean {
    return this.flushing;
  }

  /** Flushes what waits (or, `always`, everything), synchronously: before a compaction, on close. */
  flushNow(always = false): Error | null {
    if (this.waiting.length === 0 && !always) return null;
    const group = this.waiting;
    this.waiting = [];
    try {
      this.file.fsyncNow();
    } catch (error) {
      this.lose(group, error as Error);
      return error as Error;
    }
    this.flushes++;
    this.file.flushedTo(this.file.written());
    settle(group, null);
    return null;
  }

  /**
   * Flushes everything now, before the file closes: an fsync still running may not reach the disk first, so its
   * lines are settled by this flush when it ends.
   */
  close(): void {
    if (this.due) clearImmediate(this.due);
    this.due = undefined;
    const running = this.flushing;
    this.flushing = false;
    this.closedWith = this.flushNow(running);
    this.closed = true;
  }

  /** Stops without flushing (a start that failed): a flush not yet begun never begins. */
  abandon(): void {
    if (this.due) clearImmediate(this.due);
    this.due = undefined;
    this.closed = true;
  }

  /** One group: flushes every line written so far, off the event loop, then answers their commands. */
  private flush(): void {
    this.due = undefined;
    if (this.closed || this.flushing || this.waiting.length === 0) return;
    const group = this.waiting;
    const upTo = this.file.written();
    this.waiting = [];
    this.flushing = true;
    this.file.fsync((error) => {
      if (this.closed) return settle(group, this.closedWith);
      this.flushing = false;
      if (error) return this.lose(group, error);
      this.flushes++;
      this.file.flushedTo(upTo);
      settle(group, null);
      if (this.waiting.length > 0) this.flush();
      else this.file.idle();
    });
  }

  /** An fsync failed: its group and every line written since are refused, and cut off the file. */
  private lose(group: Waiting[], error: Error): void {
    const lost = [...group, ...this.waiting];
    this.waiting = [];
    this.file.lost(lost.length, error);
    settle(lost, error);
  }
}

/** Resolves the waiting lines, or rejects them with the storage-unavailable refusal of `error`. */
function settle(lines: Waiting[], error: Error | null): void {
  const refusal = error && writeRefusal(error);
  for (const line of lines) {
    if (refusal) line.reject(refusal);
    else line.resolve();
  }
}

/** A file operation's error code (ENOSPC, EIO…), or its message. */
export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/** The storage-unavailable refusal (503) of a failed write or fsync of the log. */
export function writeRefusal(error: unknown) {
  return storageUnavailable(errorCode(error));
}
