import { describe, expect, it } from 'vitest';
import { freshchatYaml, mockControlYaml } from '../generated/documents.js';
import { auth, IDS, iso, openSandbox, T0 } from '../testing/sandbox-harness.js';

async function answer(response: Response) {
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: await response.json(),
  };
}

const JSON_TYPE = 'application/json; charset=utf-8';

describe('unknown paths and methods', () => {
  it.each(['/v2/nope', '/v2/agents/status/extra', '/_mock/nope', '/nothing-here'])(
    'answers 404 NOT_FOUND in the error shape for %s',
    async (path) => {
      const { raw } = openSandbox();
      expect(await answer(await raw(path, { headers: auth() }))).toEqual({
        status: 404,
        type: JSON_TYPE,
        body: { code: 404, status: 'NOT_FOUND', message: `path: no operation at GET ${path}` },
      });
    },
  );

  it.each([
    ['DELETE', '/v2/reports/raw', 'POST'],
    ['PUT', `/v2/agents/${IDS.john}`, 'GET, PATCH'],
    ['POST', '/v2/agents', 'GET'],
    // `status` is not an agent id: only the statuses list answers at this path.
    ['DELETE', '/v2/agents/status', 'GET'],
    ['PUT', '/_mock/clock', 'GET, POST'],
  ])('answers 405 METHOD_NOT_ALLOWED with Allow for %s %s', async (method, path, allow) => {
    const { raw } = openSandbox();
    const response = await raw(path, { method, headers: auth() });
    expect(response.headers.get('Allow')).toBe(allow);
    expect(await answer(response)).toEqual({
      status: 405,
      type: JSON_TYPE,
      body: { code: 405, status: 'METHOD_NOT_ALLOWED', message: `method: ${method} is not allowed on ${path}` },
    });
  });
});

describe('request bodies on the control API', () => {
  it('answers 400 MALFORMED_JSON for a body that does not parse', async () => {
    const { raw } = openSandbox();
    const response = await raw('/_mock/clock/advance', {
      method: 'POST',
      headers: auth({ 'Content-Type': 'application/json' }),
      body: '{"seconds": 1',
    });
    expect(await answer(response)).toEqual({
      status: 400,
      type: JSON_TYPE,
      body: { code: 400, status: 'MALFORMED_JSON', message: expect.stringMatching(/^body: malformed JSON \(.+\)$/) },
    });
  });

  it('answers 400 MALFORMED_JSON for a body that is not UTF-8', async () => {
    const { raw } = openSandbox();
    const response = await raw('/_mock/statuses', {
      method: 'POST',
      headers: auth({ 'Content-Type': 'application/json' }),
      body: new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
    });
    expect(await answer(response)).toEqual({
      status: 400,
      type: JSON_TYPE,
      body: { code: 400, status: 'MALFORMED_JSON', message: 'body: is not valid UTF-8' },
    });
  });

  it('answers 415 for a body that is not declared JSON, and for one without a Content-Type', async () => {
    const { raw } = openSandbox();
    const unsupported = {
      status: 415,
      type: JSON_TYPE,
      body: { code: 415, status: 'UNSUPPORTED_MEDIA_TYPE', message: 'Content-Type: must be application/json' },
    };

    const form = await raw('/_mock/statuses', {
      method: 'POST',
      headers: auth({ 'Content-Type': 'application/x-www-form-urlencoded' }),
      body: 'name=Coffee',
    });
    const untyped = await raw('/_mock/statuses', {
      method: 'POST',
      headers: auth(),
      body: new Blob([JSON.stringify({ name: 'Coffee' })]),
    });

    expect(await answer(form)).toEqual(unsupported);
    expect(await answer(untyped)).toEqual(unsupported);
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const { raw } = openSandbox();
    const json = JSON.stringify({ name: 'Big' });
    const response = await raw('/_mock/statuses', {
      method: 'POST',
      headers: auth({ 'Content-Type': 'application/json' }),
      body: json + ' '.repeat(1024 * 1024 + 1 - json.length),
    });
    expect(await answer(response)).toEqual({
      status: 413,
      type: JSON_TYPE,
      body: { code: 413, status: 'PAYLOAD_TOO_LARGE', message: 'body: must not be larger than 1048576 bytes' },
    });
  });

  it('honours bodyLimits', async () => {
    const { raw } = openSandbox({ bodyLimits: { freshchat: 100 } });
    const response = await raw(`/v2/agents/${IDS.john}`, {
      method: 'PATCH',
      headers: auth({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ agent_status: { id: IDS.meeting } }) + ' '.repeat(100),
    });
    expect((await answer(response)).body).toEqual({
      code: 413,
      status: 'PAYLOAD_TOO_LARGE',
      message: 'body: must not be larger than 100 bytes',
    });
  });
});

describe('documents', () => {
  it('serves /openapi.yaml and /mock-control.yaml without a token', async () => {
    const { raw } = openSandbox();

    const freshchat = await raw('/openapi.yaml');
    const control = await raw('/mock-control.yaml');

    expect(freshchat.status).toBe(200);
    expect(freshchat.headers.get('content-type')).toBe('application/yaml; charset=utf-8');
    const text = await freshchat.text();
    expect(text).toBe(freshchatYaml);
    expect(text.startsWith('openapi: 3.1.0\n')).toBe(true);
    expect(text).toContain('operationId: updateAgentStatus');
    expect(control.status).toBe(200);
    expect(await control.text()).toBe(mockControlYaml);
  });

  it('serves /docs and /_inspector without a token, with Scalar from the package, not a CDN', async () => {
    const { raw } = openSandbox();

    const docs = await raw('/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await docs.text();
    expect(html).toContain('<script src="/docs/scalar.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
    const bundle = await raw('/docs/scalar.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await bundle.text()).length).toBeGreaterThan(1_000_000);
    const config = await (await raw('/docs/docs.js')).text();
    expect(config).toContain('withDefaultFonts: false');

    const inspector = await raw('/_inspector');
    expect(inspector.status).toBe(200);
    expect(await inspector.text()).toContain('<script type="module" src="/_inspector/inspector.js"></script>');
    for (const file of ['inspector.js', 'feed.js', 'sections.js', 'timeline.js', 'inspector.css'])
      expect((await raw(`/_inspector/${file}`)).status).toBe(200);
  });

  it('redirects / to /docs', async () => {
    const { raw } = openSandbox();
    const response = await raw('/');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/docs');
  });

  it('redirects /docs/ and /_inspector/ to the page, keeping the query', async () => {
    const { raw } = openSandbox();
    for (const [path, location] of [
      ['/docs/', '/docs'],
      ['/_inspector/', '/_inspector'],
      ['/_inspector/?account=2', '/_inspector?account=2'],
    ]) {
      const response = await raw(path as string);
      expect(response.status, path).toBe(301);
      expect(response.headers.get('location'), path).toBe(location);
    }
  });
});

describe('app.fetch', () => {
  it('answers with a promise even where a route answers synchronously', async () => {
    const { mock } = openSandbox();
    const pending = mock.app.fetch(new Request('http://sandbox.local/openapi.yaml'));
    expect(pending).toBeInstanceOf(Promise);
    expect((await pending).status).toBe(200);
    expect(mock.app.fetch(new Request('http://sandbox.local/nothing-here'))).toBeInstanceOf(Promise);
  });

  it('mock.dispatch answers at once where nothing has to be waited for, and with a promise where something does', async () => {
    const { mock } = openSandbox();
    const auth = { Authorization: 'Bearer sandbox-token' };
    // A Response, not a promise: @hono/node-server then writes it without a round of promises.
    for (const path of ['/v2/agents/status', '/v2/agents', '/_mock/clock']) {
      const answer = mock.dispatch(new Request(`http://sandbox.local${path}`, { headers: auth }));
      expect(answer, path).toBeInstanceOf(Response);
    }
    expect((mock.dispatch(new Request('http://sandbox.local/v2/agents')) as Response).status).toBe(401);
    // A body has to be read first.
    const created = mock.dispatch(
      new Request('http://sandbox.local/_mock/statuses', {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: '{"name":"On a call"}',
      }),
    );
    expect(created).toBeInstanceOf(Promise);
    expect((await created).status).toBe(201);
  });
});

describe('route paths from the spec', () => {
  it('answers PATCH /v2/agents/status with 405 naming GET, not as an agent id', async () => {
    const { createMockServer } = await import('../mock-server.js');
    const mock = createMockServer();
    const response = await mock.app.request('/v2/agents/status', {
      method: 'PATCH',
      headers: { Authorization: 'Bearer sandbox-token', 'Content-Type': 'application/json' },
      body: '{"availability_status":"AVAILABLE"}',
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('GET');
    const statuses = await mock.app.request('/v2/agents/status', {
      headers: { Authorization: 'Bearer sandbox-token' },
    });
    expect(statuses.status).toBe(200);
    mock.close();
  });
});

describe('one trailing slash on /v2', () => {
  it('answers POST /v2/reports/raw/, as the guide writes it, like POST /v2/reports/raw', async () => {
    const { raw } = openSandbox();
    const start = iso(T0 - 3_600_000);
    const response = await raw('/v2/reports/raw/', {
      method: 'POST',
      headers: auth({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ start, end: iso(T0), event: 'Agent-IntelliAssign-Activity', format: 'csv' }),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const polled = await raw(`/v2/reports/raw/${id}/`, { headers: auth() });
    expect(polled.status).toBe(200);
    expect(((await polled.json()) as { id: string }).id).toBe(id);
  });

  it.each(['/v2/agents/status', '/v2/agents', `/v2/agents/${IDS.john}`])(
    'answers GET %s/ exactly as the path without it',
    async (path) => {
      const { raw } = openSandbox();
      const plain = await raw(path, { headers: auth() });
      const slashed = await raw(`${path}/`, { headers: auth() });
      expect(slashed.status).toBe(200);
      expect(await slashed.text()).toBe(await plain.text());
    },
  );

  it('answers PATCH with a trailing slash, and 405 with Allow for a wrong method there', async () => {
    const { raw } = openSandbox();
    const patched = await raw(`/v2/agents/${IDS.john}/`, {
      method: 'PATCH',
      headers: auth({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ agent_status: { id: IDS.meeting } }),
    });
    expect(patched.status).toBe(200);
    const refused = await raw('/v2/reports/raw/', { method: 'GET', headers: auth() });
    expect(refused.status).toBe(405);
    expect(refused.headers.get('Allow')).toBe('POST');
  });

  it.each(['/v2/agents//', '/_mock/clock/'])(
    'still answers 404 for %s (one slash, and only under /v2)',
    async (path) => {
      const { raw } = openSandbox();
      expect((await raw(path, { headers: auth() })).status).toBe(404);
    },
  );
});
