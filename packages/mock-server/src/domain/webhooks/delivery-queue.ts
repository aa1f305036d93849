/** How much webhook delivery may run at once, and how much may wait. */
export type DeliveryLimits = {
  /** Attempts under way at once in the whole sandbox (each holds a connection, so a file descriptor). */
  inFlight: number;
  /** Attempts under way at once to one subscription. */
  inFlightPerSubscription: number;
  /** Attempts waiting for a slot; past it a new attempt fails at once (and is retried on the usual schedule). */
  queued: number;
  /** Attempts kept in each account's delivery log; older ones are dropped and counted. */
  logCapacity: number;
};

/** The documented bounds (`GET /_mock/webhooks/deliveries` in the control API describes them). */
export const DEFAULT_DELIVERY_LIMITS: DeliveryLimits = {
  inFlight: 64,
  inFlightPerSubscription: 4,
  queued: 100_000,
  logCapacity: 1_000,
};

/** One subscription's waiting attempts and how many of its attempts are under way. */
type Lane = { active: number; waiting: (() => Promise<void>)[]; ready: boolean; gone: boolean };

/**
 * Runs delivery attempts with at most `inFlight` under way overall and `inFlightPerSubscription` per lane (a
 * subscription); the rest wait, first in first out within a lane, lanes taking turns. Attempts start on a later
 * turn of the event loop, never inside the request that caused them, so an answer never waits on a delivery.
 *
 * @example
 * const queue = new DeliveryQueue(DEFAULT_DELIVERY_LIMITS);
 * queue.add(subscription, () => transport.post(attempt).then(log));
 * await queue.idle();
 */
export class DeliveryQueue {
  private lanes = new Map<object, Lane>();
  /** Lanes with an attempt waiting and a free slot, in turn order. */
  private ready: Lane[] = [];
  private running = 0;
  private waiting = 0;
  private pumpScheduled = false;
  private readonly underWay = new Set<Promise<void>>();

  constructor(private readonly limits: Pick<DeliveryLimits, 'inFlight' | 'inFlightPerSubscription' | 'queued'>) {}

  /** Attempts under way now. */
  get inFlight(): number {
    return this.running;
  }

  /** Attempts waiting for a slot. */
  get queued(): number {
    return this.waiting;
  }

  /** Whether the queue has room for another attempt. */
  hasRoom(): boolean {
    return this.waiting < this.limits.queued;
  }

  /** Queues `run` (one attempt, a promise that never rejects) in `lane`'s line. */
  add(lane: object, run: () => Promise<void>): void {
    let line = this.lanes.get(lane);
    if (!line) {
      line = { active: 0, waiting: [], ready: false, gone: false };
      this.lanes.set(lane, line);
    }
    line.waiting.push(run);
    this.waiting++;
    this.markReady(line);
    this.schedulePump();
  }

  /** Forgets every waiting attempt (a reset); attempts under way finish. */
  clear(): void {
    for (const line of this.lanes.values()) {
      line.gone = true;
      line.waiting = [];
    }
    this.lanes = new Map();
    this.ready = [];
    this.waiting = 0;
  }

  /** Resolves once nothing is under way or waiting. */
  async idle(): Promise<void> {
    while (this.underWay.size > 0 || this.waiting > 0) {
      if (this.underWay.size > 0) await Promise.allSettled([...this.underWay]);
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private markReady(line: Lane): void {
    if (line.ready || line.waiting.length === 0 || line.active >= this.limits.inFlightPerSubscription) return;
    line.ready = true;
    this.ready.push(line);
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.limits.inFlight && this.ready.length > 0) {
      const line = this.ready.shift() as Lane;
      line.ready = false;
      const run = line.waiting.shift();
      if (!run) continue;
      this.waiting--;
      line.active++;
      this.running++;
      const underWay = run().finally(() => {
        this.underWay.delete(underWay);
        this.running--;
        line.active--;
        // A lane dropped by `clear` has no waiting attempts left to start.
        if (!line.gone) this.markReady(line);
        this.pump();
      });
      this.underWay.add(underWay);
      this.markReady(line);
    }
  }
}
