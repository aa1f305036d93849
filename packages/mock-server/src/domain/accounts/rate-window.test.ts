import { describe, expect, it } from 'vitest';
import { RateWindow } from './rate-window.js';

describe('RateWindow', () => {
  it('opens a window at the first request taken and refuses past the limit until it closes', () => {
    const window = new RateWindow(2, 60_000);
    expect(window.state(1000)).toEqual({ limit: 2, remaining: 2, resetAt: 61_000 });
    expect(window.take(1000)).toBe(true);
    expect(window.take(30_000)).toBe(true);
    expect(window.state(30_000)).toEqual({ limit: 2, remaining: 0, resetAt: 61_000 });
    expect(window.take(60_999)).toBe(false);
    expect(window.take(61_000)).toBe(true);
    expect(window.state(61_000)).toEqual({ limit: 2, remaining: 1, resetAt: 121_000 });
  });

  it('answers whole seconds to wait, at least one, and 0 when there is room', () => {
    const window = new RateWindow(1, 60_000);
    expect(window.retryAfterSeconds(0)).toBe(0);
    window.take(0);
    expect(window.retryAfterSeconds(0)).toBe(60);
    expect(window.retryAfterSeconds(17_400)).toBe(43);
    expect(window.retryAfterSeconds(59_999)).toBe(1);
    expect(window.retryAfterSeconds(60_000)).toBe(0);
  });

  it('does not count a refused request', () => {
    const window = new RateWindow(1, 60_000);
    window.take(0);
    window.take(10_000);
    window.take(20_000);
    expect(window.take(60_000)).toBe(true);
  });
});
