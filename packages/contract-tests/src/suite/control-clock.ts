import { describe, expect, it } from 'vitest';
import type { ContractTarget } from '../target.js';
import { controlClient, controlSenders, expectError, fetchLink, ok, SANDBOX_ONLY, sandboxControl } from './context.js';

/**
 * Registers the control API's checks of health, reset and the clock: health needs no token; reset keeps the clock's
 * time; the clock moves forward only (sandbox only).
 *
 * @example
 * describe('sandbox', () => controlClockChecks({ baseUrl, token, sandbox: true, control: { origin } }));
 */
export function controlClockChecks(target: ContractTarget): void {
  const sandboxIt = it.skipIf(!target.sandbox);
  const { post } = controlSenders(target);

  describe('control API: reset and the clock', () => {
    sandboxIt(`the health path answers without a token ${SANDBOX_ONLY}`, async () => {
      const response = await fetchLink(target, `${sandboxControl(target).origin}/_mock/health`);
      expect(response.status).toBe(200);
      const health = (await response.json()) as { status: string; version: string; uptime_seconds: number };
      expect(health.status).toBe('ok');
      expect(health.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(Number.isInteger(health.uptime_seconds)).toBe(true);
    });

    sandboxIt(`reset brings the seed back and keeps the clock's time ${SANDBOX_ONLY}`, async () => {
      const control = controlClient(target);
      ok(await control.POST('/_mock/statuses', { body: { name: 'Gone after reset' } }), 'create status');
      const before = Date.parse(ok(await control.GET('/_mock/clock'), 'clock').now);
      const reset = ok(await control.POST('/_mock/reset'), 'reset');
      expect(Date.parse(reset.now)).toBeGreaterThanOrEqual(before);
      const { states } = ok(await control.GET('/_mock/statuses'), 'statuses');
      expect(states.map((s) => s.name)).not.toContain('Gone after reset');
    });

    sandboxIt(`the clock moves forward by the seconds asked, never back ${SANDBOX_ONLY}`, async () => {
      const control = controlClient(target);
      const before = Date.parse(ok(await control.GET('/_mock/clock'), 'clock').now);
      const after = Date.parse(
        ok(await control.POST('/_mock/clock/advance', { body: { seconds: 3600 } }), 'advance').now,
      );
      expect(after - before).toBeGreaterThanOrEqual(3600_000);
      expect(after - before).toBeLessThan(3600_000 + 10_000);
    });

    sandboxIt(`the clock is set to an instant, frozen there and thawed again ${SANDBOX_ONLY}`, async () => {
      const control = controlClient(target);
      const before = Date.parse(ok(await control.GET('/_mock/clock'), 'clock').now);
      const instant = new Date(before + 60_000).toISOString();
      const set = ok(await control.POST('/_mock/clock', { body: { now: instant, frozen: true } }), 'set');
      expect(set).toEqual({ now: instant, frozen: true });
      expect(ok(await control.GET('/_mock/clock'), 'clock')).toEqual(set);
      const thawed = ok(await control.POST('/_mock/clock', { body: { frozen: false } }), 'thaw');
      expect(thawed.frozen).toBe(false);
      expect(Date.parse(thawed.now)).toBeGreaterThanOrEqual(Date.parse(instant));
    });

    sandboxIt(
      `400: an instant before the clock's time, naming now: the clock never goes back ${SANDBOX_ONLY}`,
      async () => {
        await expectError(await post('/_mock/clock', { now: '2001-01-01T00:00:00Z' }), 400, { field: 'now' });
        await expectError(await post('/_mock/clock', { frozen: 'yes' }), 400, { field: 'frozen' });
      },
    );

    sandboxIt(
      `400: an advance that is not more than 0 and at most ten years, naming seconds ${SANDBOX_ONLY}`,
      async () => {
        for (const body of [{ seconds: 0 }, { seconds: -5 }, { seconds: 315_576_001 }, { seconds: 'ten' }, {}]) {
          await expectError(await post('/_mock/clock/advance', body), 400, { field: 'seconds' });
        }
      },
    );
  });
}
