import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auth, openSandbox } from '../testing/sandbox-harness.js';
import { healthHandler } from './health-handler.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('GET /_mock/health', () => {
  it('answers without a token: ok, the package version and the uptime', async () => {
    const { raw } = openSandbox();
    const response = await raw('/_mock/health');
    expect(response.status).toBe(200);
    const body = await response.json();
    // The uptime is real time since the sandbox started: a whole number, exact only in the handler's own test below.
    expect(body).toEqual({ status: 'ok', version, uptime_seconds: expect.any(Number) });
    expect(Number.isInteger(body.uptime_seconds) && body.uptime_seconds >= 0).toBe(true);
  });

  it('is not journaled, and other /_mock paths still need a token', async () => {
    const { raw, control } = openSandbox();
    await raw('/_mock/health', { headers: auth() });
    expect((await raw('/_mock/clock')).status).toBe(401);
    const { data } = await control.GET('/_mock/requests');
    expect(data?.requests.filter((r) => r.path === '/_mock/health')).toEqual([]);
  });

  it('answers 405 to another method', async () => {
    const { raw } = openSandbox();
    const response = await raw('/_mock/health', { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('GET');
  });
});

describe('healthHandler', () => {
  it.each([
    [0, 0],
    [999, 0],
    [1000, 1],
    [61_999, 61],
  ])('counts %d ms as %d whole seconds', (elapsed, seconds) => {
    const reply = healthHandler('1.2.3', () => elapsed).getHealth({} as never);
    expect(reply).toEqual({ status: 200, body: { status: 'ok', version: '1.2.3', uptime_seconds: seconds } });
  });
});
