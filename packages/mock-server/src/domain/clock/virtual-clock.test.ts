import { afterEach, describe, expect, it, vi } from 'vitest';
import { VirtualClock } from './virtual-clock.js';

const START = Date.parse('2030-06-15T12:00:00.000Z');

/** A clock over a real-time source the test moves by hand. */
function manualClock(start = START) {
  const real = { now: 1_000_000 };
  const clock = new VirtualClock(() => real.now, new Date(start));
  return { clock, real };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('VirtualClock', () => {
  it('starts where it is told, or at real time', () => {
    const { clock } = manualClock();
    expect(clock.now()).toBe(START);
    expect(clock.date()).toEqual(new Date(START));

    const before = Date.now();
    const realClock = new VirtualClock();
    const reading = realClock.now();
    expect(reading).toBeGreaterThanOrEqual(before);
    expect(reading).toBeLessThanOrEqual(Date.now());
  });

  it('follows real time from wherever it stands', () => {
    const { clock, real } = manualClock();
    real.now += 2500;
    expect(clock.now()).toBe(START + 2500);
    clock.advance(60);
    real.now += 500;
    expect(clock.now()).toBe(START + 63_000);
  });

  it('moves forward by the seconds given and answers the new time', () => {
    const { clock } = manualClock();
    expect(clock.advance(90)).toEqual(new Date(START + 90_000));
    expect(clock.advance(0.25)).toEqual(new Date(START + 90_250));
    expect(clock.now()).toBe(START + 90_250);
  });

  it('adds fractional advances up to whole milliseconds', () => {
    const { clock } = manualClock();
    clock.advance(1.001);
    clock.advance(0.999);
    expect(clock.now()).toBe(START + 2000);
    expect(Number.isInteger(clock.now())).toBe(true);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses to advance by %s', (seconds) => {
    const { clock } = manualClock();
    expect(() => clock.advance(seconds)).toThrow(RangeError);
    expect(clock.now()).toBe(START);
  });

  it('never goes back, even when real time does', () => {
    const { clock, real } = manualClock();
    real.now += 5000;
    expect(clock.now()).toBe(START + 5000);
    real.now -= 3000;
    expect(clock.now()).toBe(START + 5000);
    real.now += 1000;
    expect(clock.now()).toBe(START + 5000);
    real.now += 4000;
    expect(clock.now()).toBe(START + 7000);
  });

  it('runs scheduled tasks on advance, in time order, those at one time in the order they were scheduled', () => {
    const { clock } = manualClock();
    const ran: string[] = [];
    clock.schedule(START + 30_000, () => ran.push('c@30'));
    clock.schedule(START + 10_000, () => ran.push('a@10'));
    clock.schedule(START + 20_000, () => ran.push('b1@20'));
    clock.schedule(START + 20_000, () => ran.push('b2@20'));
    clock.schedule(START + 90_000, () => ran.push('d@90'));

    clock.advance(9.999);
    expect(ran).toEqual([]);
    clock.advance(0.001);
    expect(ran).toEqual(['a@10']);
    clock.advance(40);
    expect(ran).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30']);
    clock.advance(3600);
    expect(ran).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30', 'd@90']);
  });

  it('runs a task whose time has passed at once', () => {
    const { clock } = manualClock();
    const task = vi.fn();
    clock.schedule(START - 1, task);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('runs each task once, and a task that schedules another due one runs that too', () => {
    const { clock } = manualClock();
    const ran: string[] = [];
    clock.schedule(START + 1000, () => {
      ran.push('first');
      clock.schedule(START + 1000, () => ran.push('follow-up'));
    });
    clock.advance(5);
    clock.advance(5);
    expect(ran).toEqual(['first', 'follow-up']);
  });

  it('cancels a task, and clearTasks drops them all without moving the time', () => {
    const { clock } = manualClock();
    const cancelled = vi.fn();
    const cleared = vi.fn();
    const cancel = clock.schedule(START + 1000, cancelled);
    clock.schedule(START + 2000, cleared);

    cancel();
    clock.clearTasks();
    clock.advance(10);

    expect(cancelled).not.toHaveBeenCalled();
    expect(cleared).not.toHaveBeenCalled();
    expect(clock.now()).toBe(START + 10_000);
  });

  it('runs a task when real time alone brings it due', () => {
    vi.useFakeTimers({ now: START });
    const clock = new VirtualClock();
    const task = vi.fn();
    clock.schedule(clock.now() + 5000, task);

    vi.advanceTimersByTime(4999);
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(task).toHaveBeenCalledTimes(1);
    expect(clock.now()).toBe(START + 5000);
  });

  it('re-arms its timer when an advance brings an earlier task, and stop() disarms it', () => {
    vi.useFakeTimers({ now: START });
    const clock = new VirtualClock();
    const early = vi.fn();
    const late = vi.fn();
    clock.schedule(START + 10_000, early);
    clock.schedule(START + 20_000, late);

    clock.advance(10);
    expect(early).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(9999);
    expect(late).not.toHaveBeenCalled();
    clock.stop();
    vi.advanceTimersByTime(60_000);
    expect(late).not.toHaveBeenCalled();
    clock.advance(0.001); // advancing still runs what is due
    expect(late).toHaveBeenCalledTimes(1);
  });
});

describe('VirtualClock, frozen', () => {
  it('stands still while real time passes, and moves exactly by advance and set', () => {
    const real = { now: 1_000_000 };
    const clock = new VirtualClock(() => real.now, new Date(START), { frozen: true });
    expect(clock.frozen).toBe(true);
    real.now += 86_400_000;
    expect(clock.now()).toBe(START);
    expect(clock.advance(1.5)).toEqual(new Date(START + 1500));
    expect(clock.set(START + 60_000)).toEqual(new Date(START + 60_000));
    real.now += 5000;
    expect(clock.now()).toBe(START + 60_000);
  });

  it('frozenAt builds one at an ISO-8601 instant, and refuses what is not a time', () => {
    const clock = VirtualClock.frozenAt('2030-06-15T12:00:00Z');
    expect(clock.now()).toBe(START);
    expect(clock.frozen).toBe(true);
    expect(() => VirtualClock.frozenAt('yesterday')).toThrow(RangeError);
  });

  it('runs what falls due on set, in time order, and never on real time while frozen', () => {
    vi.useFakeTimers({ now: START });
    const clock = VirtualClock.frozenAt(START);
    const ran: string[] = [];
    clock.schedule(START + 20_000, () => ran.push('b@20'));
    clock.schedule(START + 10_000, () => ran.push('a@10'));
    vi.advanceTimersByTime(60_000);
    expect(ran).toEqual([]);
    clock.set(START + 20_000);
    expect(ran).toEqual(['a@10', 'b@20']);
  });

  it('refuses to go back or past year 9999, naming the field, and changes nothing', () => {
    const clock = VirtualClock.frozenAt(START);
    expect(() => clock.set(START - 1)).toThrow(
      /^now: must not be earlier than the clock's time 2030-06-15T12:00:00.000Z/,
    );
    expect(() => clock.set(Date.parse('9999-12-31T23:59:59.999Z') + 1)).toThrow(/^now: must not be later than/);
    expect(() => clock.advance(315_576_000 * 800)).toThrow(/^seconds: must not move the clock past 9999-12-31/);
    expect(clock.now()).toBe(START);
    expect(clock.set(START)).toEqual(new Date(START)); // the same instant is allowed and changes nothing
  });

  it('set with frozen: true stands at exactly the instant, even while real time ticks between readings', () => {
    // Real time moves 1 ms on every reading, as it can on a loaded machine between two statements.
    const real = { now: 1_000_000 };
    const clock = new VirtualClock(() => ++real.now, new Date(START));
    const at = clock.now() + 60_000;
    expect(clock.set(at, { frozen: true })).toEqual(new Date(at));
    expect(clock.frozen).toBe(true);
    expect(clock.now()).toBe(at);
    expect(() => clock.set(at - 1, { frozen: false })).toThrow(/^now: must not be earlier/);
    expect(clock.frozen).toBe(true); // a refused set changes nothing, the freeze included
    clock.set(at + 1000, { frozen: false });
    expect(clock.frozen).toBe(false);
    expect(clock.now()).toBeGreaterThan(at + 1000); // it follows real time again, from the instant set
  });

  it('set with frozen: true at the very instant keeps no real-time timer, as a frozen clock needs none', () => {
    vi.useFakeTimers({ now: START });
    const clock = new VirtualClock(Date.now, new Date(START));
    clock.schedule(START + 60_000, () => {});
    expect(vi.getTimerCount()).toBe(1);
    clock.set(clock.now(), { frozen: true });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('freezes where it stands and follows real time again from there when unfrozen', () => {
    const real = { now: 1_000_000 };
    const clock = new VirtualClock(() => real.now, new Date(START));
    real.now += 1000;
    clock.freeze();
    real.now += 9000;
    expect(clock.now()).toBe(START + 1000);
    clock.unfreeze();
    expect(clock.frozen).toBe(false);
    expect(clock.now()).toBe(START + 1000);
    real.now += 250;
    expect(clock.now()).toBe(START + 1250);
  });

  it('arms a real-time timer for pending tasks once unfrozen', () => {
    vi.useFakeTimers({ now: START });
    const clock = VirtualClock.frozenAt(START);
    const task = vi.fn();
    clock.schedule(START + 5000, task);
    vi.advanceTimersByTime(10_000);
    expect(task).not.toHaveBeenCalled();
    clock.unfreeze();
    vi.advanceTimersByTime(4999);
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(task).toHaveBeenCalledTimes(1);
  });
});
