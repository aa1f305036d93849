import { describe, expect, it } from 'vitest';
import { DeliveryQueue } from './delivery-queue.js';

/** Attempts that end only when released, recording the order they started in. */
function heldAttempts() {
  const started: string[] = [];
  const releases: (() => void)[] = [];
  const attempt = (name: string) => () => {
    started.push(name);
    return new Promise<void>((resolve) => releases.push(resolve));
  };
  const releaseAll = () => {
    for (const release of releases.splice(0)) release();
  };
  return { started, attempt, releaseAll };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('DeliveryQueue', () => {
  it('starts nothing in the turn that adds, then at most inFlight overall and inFlightPerSubscription per lane', async () => {
    const queue = new DeliveryQueue({ inFlight: 3, inFlightPerSubscription: 2, queued: 100 });
    const { started, attempt, releaseAll } = heldAttempts();
    const [a, b] = [{}, {}];
    for (let i = 0; i < 4; i++) queue.add(a, attempt(`a${i}`));
    for (let i = 0; i < 4; i++) queue.add(b, attempt(`b${i}`));

    expect(started).toEqual([]);
    await turn();
    // Lanes take turns; a's third waits for one of a's own to end even though a slot is free overall.
    expect(started).toEqual(['a0', 'b0', 'a1']);
    expect([queue.inFlight, queue.queued]).toEqual([3, 5]);

    releaseAll();
    await turn();
    expect(started).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
    expect([queue.inFlight, queue.queued]).toEqual([3, 2]);

    const idle = queue.idle();
    for (let i = 0; i < 3; i++) {
      releaseAll();
      await turn();
    }
    await idle;
    expect(started).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
    expect([queue.inFlight, queue.queued]).toEqual([0, 0]);
  });

  it('has room until `queued` attempts wait, and forgets waiting attempts on clear', async () => {
    const queue = new DeliveryQueue({ inFlight: 1, inFlightPerSubscription: 1, queued: 2 });
    const { started, attempt, releaseAll } = heldAttempts();
    const lane = {};
    queue.add(lane, attempt('first'));
    queue.add(lane, attempt('second'));
    expect(queue.hasRoom()).toBe(false);
    await turn();
    expect(queue.hasRoom()).toBe(true);

    queue.add(lane, attempt('third'));
    queue.clear();
    expect(queue.queued).toBe(0);
    releaseAll();
    await queue.idle();
    expect(started).toEqual(['first']);
  });
});
