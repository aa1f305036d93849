import { describe, expect, it } from 'vitest';
import { createControlClient } from './control-client.js';
import { fakeFetch, jsonAnswer } from './testing/fake-fetch.js';

describe('createControlClient', () => {
  it("reaches the sandbox's default origin with the bearer token", async () => {
    const fetch = fakeFetch([jsonAnswer(200, { now: '2030-01-01T00:00:00.000Z' })]);
    const control = createControlClient({ token: 'sandbox-token', fetch });

    const { data } = await control.GET('/_mock/clock');

    expect(fetch.requests[0]?.url).toBe('http://127.0.0.1:4010/_mock/clock');
    expect(fetch.requests[0]?.headers.get('Authorization')).toBe('Bearer sandbox-token');
    expect(data).toEqual({ now: '2030-01-01T00:00:00.000Z' });
  });

  it('honours baseUrl and sends the JSON body', async () => {
    const fetch = fakeFetch([jsonAnswer(200, { now: '2030-01-01T00:00:30.000Z' })]);
    const control = createControlClient({ baseUrl: 'http://sandbox.test', token: 'other-token', fetch });

    await control.POST('/_mock/clock/advance', { body: { seconds: 30 } });

    const request = fetch.requests[0];
    expect(request?.url).toBe('http://sandbox.test/_mock/clock/advance');
    expect(request?.method).toBe('POST');
    expect(request?.headers.get('Authorization')).toBe('Bearer other-token');
    expect(await request?.json()).toEqual({ seconds: 30 });
    expect(fetch.argumentCounts).toEqual([1]);
  });

  it('refuses to build a client without a token', () => {
    expect(() => createControlClient({ token: '' })).toThrow(/createControlClient: token is required/);
  });
});
