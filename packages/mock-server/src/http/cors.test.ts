import { describe, expect, it } from 'vitest';
import { auth, IDS, openSandbox } from '../testing/sandbox-harness.js';

const ORIGIN = 'http://app.example';
const preflight = {
  method: 'OPTIONS',
  headers: {
    Origin: ORIGIN,
    'Access-Control-Request-Method': 'PATCH',
    'Access-Control-Request-Headers': 'authorization, content-type',
  },
};

describe('cors: true', () => {
  it('answers a preflight on any path 204, allowing the origin, the declared methods and the headers asked for', async () => {
    const { raw } = openSandbox({ cors: true });
    for (const path of [`/v2/agents/${IDS.john}`, '/_mock/clock', '/nowhere']) {
      const response = await raw(path, preflight);
      expect(response.status).toBe(204);
      expect(Object.fromEntries(response.headers)).toMatchObject({
        'access-control-allow-origin': ORIGIN,
        'access-control-allow-methods': 'GET, PATCH, POST, DELETE, OPTIONS',
        'access-control-allow-headers': 'authorization, content-type',
        'access-control-max-age': '600',
        vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      });
      expect(await response.text()).toBe('');
    }
  });

  it('lets the origin read answers, errors included, and changes nothing else', async () => {
    const { raw } = openSandbox({ cors: true });
    const ok = await raw('/v2/agents/status', { headers: auth({ Origin: ORIGIN }) });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(ok.headers.get('access-control-expose-headers')).toBe('*');
    expect(ok.headers.get('vary')).toBe('Origin');
    const refused = await raw('/v2/agents/status', { headers: { Origin: ORIGIN } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    // A request without Origin is not a browser's cross-origin request: no CORS headers.
    const plain = await raw('/v2/agents/status', { headers: auth() });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    // An OPTIONS that is not a preflight is an ordinary request: 405, as without cors.
    expect((await raw('/v2/agents/status', { method: 'OPTIONS', headers: { Origin: ORIGIN } })).status).toBe(405);
  });

  it('keeps a synchronous answer synchronous', () => {
    const { mock } = openSandbox({ cors: true });
    const answer = mock.dispatch(
      new Request('http://sandbox.local/v2/agents/status', { headers: auth({ Origin: ORIGIN }) }),
    );
    expect(answer).toBeInstanceOf(Response);
    expect((answer as Response).headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });
});

describe('without cors', () => {
  it('answers a preflight 405 and adds no CORS header', async () => {
    const { raw } = openSandbox();
    const response = await raw('/v2/agents/status', preflight);
    expect(response.status).toBe(405);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const ok = await raw('/v2/agents/status', { headers: auth({ Origin: ORIGIN }) });
    expect(ok.headers.get('access-control-allow-origin')).toBeNull();
  });
});
