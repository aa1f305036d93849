/**
 * Bad input, derived from the documents: for every operation of both documents (from `operationRoutes`), requests
 * built from the operation's path parameters, query parameters and body schema — valid-ish ones, and broken ones
 * (wrong types, missing fields, out-of-range values and dates, huge strings, deep and huge bodies, odd encodings,
 * path tricks, bad Authorization headers). The contract's promises checked on every answer:
 *
 * - never a 5xx (no fault is injected here, so no 503 is expected either);
 * - every 4xx of `/v2` and `/_mock` is `{code, status, message}`, valid against the `Error` schema, with `code` the
 *   HTTP status (the storage stand-in answers its refusals as S3 does: 403 with an XML body);
 * - after each request the sandbox still answers a known good request correctly.
 *
 * Most runs are in-process (`app.fetch`); encodings, oversized bodies, raw paths and non-ASCII header bytes also go
 * over a real socket.
 */
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../domain/accounts/default-seed.js';
import { type ListeningMockServer, listen } from '../listen.js';
import { createMockServer, type MockServer } from '../mock-server.js';
import { bodyText, frozenClock, IDS, ORIGIN, T0, TOKEN } from '../testing/sandbox-harness.js';
import {
  errorBodyValidator,
  type GeneratorContext,
  HUGE_1M,
  HUGE_64K,
  mutated,
  ODD_IDS,
  type SpecOperation,
  specOperations,
  validish,
} from './testing/spec-requests.js';

/** The account the fuzzing requests act on, a copy of the default seed's data; the default account is the witness. */
const FUZZ_TOKEN = 'fuzz-account-token';
const SEED = DEFAULT_SEED.accounts[0];
const SEED_STATES = (SEED?.statuses ?? []).map(({ id, name }) => ({ id, name }));
const KNOWN_IDS = [...Object.values(IDS).filter((id) => id !== IDS.appId), '99999999-9999-4999-8999-999999999999'];

/** A request, ready to send in-process or over a socket. */
type FuzzRequest = {
  operationId: string;
  method: string;
  /** Path and query, already percent-encoded (or deliberately not). */
  target: string;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
};

type Answer = { status: number; contentType: string; text: string };

const utf8 = (text: string) => new TextEncoder().encode(text);
const concat = (...parts: (Uint8Array | number[])[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};
function utf16(text: string, endian: 'le' | 'be'): Uint8Array {
  const bytes = new Uint8Array(2 + text.length * 2);
  bytes.set(endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[2 + i * 2 + (endian === 'le' ? 0 : 1)] = unit & 0xff;
    bytes[2 + i * 2 + (endian === 'le' ? 1 : 0)] = unit >> 8;
  }
  return bytes;
}
const deepArray = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

/** Path segments that play tricks: dot segments (plain and encoded), encoded slashes, bad escapes, long ids. */
const PATH_TRICKS = [
  '..',
  '.',
  '%2e%2e',
  '%2E%2E',
  '.%2e',
  '%2e',
  '..%2F..%2Fetc%2Fpasswd',
  'a%2Fb',
  '%2F',
  '%5C..%5C',
  '%00',
  '%ZZ',
  '%E0%A4%A',
  '%C0%AE%C0%AE',
  '%ED%A0%80',
  '%FF%FE',
  '%3B',
  '%20',
  '~',
  '*',
  'a'.repeat(4000),
  `${IDS.john}%00`,
  `${IDS.john}%2F..`,
  `${IDS.john}.json`,
];

/** Safe to put in a path or query whatever the string (lone surrogates would make encodeURIComponent throw). */
const encode = (value: unknown) => encodeURIComponent(String(value).replace(/[\ud800-\udfff]/g, '\ufffd'));

/** Authorization headers that must all be refused (401). Header values must be ByteStrings in-process. */
const BAD_AUTH: (string | undefined)[] = [
  undefined,
  '',
  'Basic dXNlcjpwYXNz',
  'Bearer',
  'Bearer ',
  'Bearer     ',
  'Token fuzz-account-token',
  FUZZ_TOKEN,
  `Bearer ${FUZZ_TOKEN} extra`,
  `Bearer ${FUZZ_TOKEN.toUpperCase()}`,
  `Bearer ${FUZZ_TOKEN.slice(0, -1)}`,
  `Bearer ${FUZZ_TOKEN}x`,
  `Bearer "${FUZZ_TOKEN}"`,
  `Bearer ${'z'.repeat(12_000)}`,
  'Bearer t\u00f6k\u00e9n',
  'Bearer \u00ff\u00fe\u00fd',
  'Bearer null',
  'Bearer,Bearer',
];

const CONTENT_TYPES: (string | undefined)[] = [
  'application/json',
  'application/json; charset=utf-8',
  'application/merge-patch+json',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  '',
  undefined,
];

/** Raw bodies: odd encodings, malformed JSON, deep nesting, bodies past the limits. `json` is a valid-ish body. */
function rawBodies(json: string): fc.Arbitrary<Uint8Array> {
  return fc
    .constantFrom(
      () => concat([0xef, 0xbb, 0xbf], utf8(json)),
      () => utf16(json, 'le'),
      () => utf16(json, 'be'),
      () => concat(utf8('{"name":"'), [0xff, 0xfe], utf8('"}')),
      () => concat(utf8('{"name":"'), [0xc0, 0xaf], utf8('"}')),
      () => concat(utf8('{"name":"'), [0xe0, 0x80, 0xaf], utf8('"}')),
      () => concat(utf8('{"name":"'), [0xed, 0xa0, 0x80], utf8('"}')),
      () => concat(utf8(json), [0x80]),
      () => concat([0x00], utf8(json)),
      () => utf8('{"name":"a\u0000b"}'),
      () => utf8('{"name":"a\\u0000b","first_name":"\\u0000","url":"http://127.0.0.1/\\u0000"}'),
      () => utf8('{"name":"\\ud800","first_name":"\\udfff\\ud800"}'),
      () => utf8('{"name":"\\x41"}'),
      () => utf8('{"name":"\\u00zz"}'),
      () => utf8('{"name":'),
      () => utf8(`${json} x`),
      () => utf8('NaN'),
      () => utf8('1e999'),
      () => utf8('"just a string"'),
      () => utf8('null'),
      () => utf8('[]'),
      () => utf8('   \n\t'),
      () => utf8(''),
      () => utf8(deepArray(33)),
      () => utf8(deepObject(33)),
      () => utf8(deepArray(5_000)),
      () => utf8(deepObject(20_000)),
      () => utf8(`{"pad":"${HUGE_64K}"}`),
      () => utf8(`{"pad":"${HUGE_1M}"}`),
      () => utf8(`[${'0,'.repeat(40_000)}0]`),
    )
    .map((make) => make());
}

function requestFor(op: SpecOperation, ctx: GeneratorContext, auth: fc.Arbitrary<string | undefined>) {
  const segment = (p: SpecOperation['pathParams'][number]) =>
    fc.oneof(
      { weight: 6, arbitrary: validish(p.schema, ctx).map(encode) },
      { weight: 2, arbitrary: fc.constantFrom(...PATH_TRICKS) },
      { weight: 1, arbitrary: fc.constantFrom(...ODD_IDS).map(encode) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map(encode) },
    );
  const queryValue = (p: SpecOperation['queryParams'][number]) =>
    fc.oneof(
      { weight: 5, arbitrary: validish(p.schema, ctx).map(encode) },
      {
        weight: 2,
        arbitrary: fc.constantFrom('', '-1', '0', '1.5', '1e3', '99999999999999999999', 'NaN', 'true', '%ZZ', '%00'),
      },
      { weight: 1, arbitrary: fc.constantFrom(encode(HUGE_64K.slice(0, 6000)), `${encode('x')}&${p.name}=2`) },
    );
  const query = fc
    .tuple(
      ...op.queryParams.map((p) =>
        fc.option(
          queryValue(p).map((v) => `${encode(p.name)}=${v}`),
          { nil: undefined },
        ),
      ),
      fc.option(fc.constantFrom('unknown=1', 'page', '=', '&&', '%E0%A4%A=1'), { nil: undefined }),
    )
    .map((parts) => parts.filter((p) => p !== undefined).join('&'));
  const path = fc
    .tuple(...op.pathParams.map(segment))
    .map((values) => op.pathParams.reduce((p, param, i) => p.replace(`{${param.name}}`, values[i] as string), op.path));
  const validBody = op.bodySchema ? validish(op.bodySchema, ctx) : fc.constant({});
  const json = fc.oneof(
    { weight: 4, arbitrary: validBody },
    { weight: 4, arbitrary: mutated(validBody) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
  const body: fc.Arbitrary<Uint8Array | undefined> =
    op.method === 'GET'
      ? fc.constant(undefined)
      : fc.oneof(
          {
            weight: op.bodySchema ? 8 : 1,
            arbitrary: json.map((v) => utf8(JSON.stringify(withoutInjectedFaults(op, v)))),
          },
          {
            weight: op.bodySchema ? 3 : 1,
            arbitrary: validBody.chain((v) => rawBodies(JSON.stringify(withoutInjectedFaults(op, v)) ?? '{}')),
          },
          { weight: op.bodySchema ? 1 : 3, arbitrary: fc.constant(undefined) },
        );
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant<string | undefined>('application/json') },
    { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  );
  return fc.record({ path, query, body, contentType, auth }).map(
    ({ path, query, body, contentType, auth }): FuzzRequest => ({
      operationId: op.operationId,
      method: op.method,
      target: query ? `${path}?${query}` : path,
      headers: {
        ...(auth !== undefined ? { authorization: auth } : {}),
        ...(body !== undefined && contentType !== undefined ? { 'content-type': contentType } : {}),
      },
      body,
    }),
  );
}

/**
 * The brief forbids injecting faults that answer 503 or slow the sandbox down: a latency, error or dropped-connection
 * fault that happens to be valid becomes a report failure (which changes no answer).
 */
function withoutInjectedFaults(op: SpecOperation, value: unknown): unknown {
  if (op.operationId !== 'injectFault' || value === null || typeof value !== 'object') return value;
  const type = (value as { type?: unknown }).type;
  return type === 'latency' || type === 'error' || type === 'drop_connection' ? { type: 'report_failure' } : value;
}

/** The contract's promises about one answer. */
function expectSound(request: FuzzRequest, answer: Answer): void {
  const where = `${request.method} ${request.target.slice(0, 200)} → ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, where).toBeLessThan(500);
  if (answer.status < 400) return;
  if (answer.contentType.includes('xml')) {
    // The storage stand-in refuses as S3 does; nothing else answers XML. A well-formed link that also carries an
    // Authorization header is refused for that (400 InvalidArgument); anything else 403.
    expect(request.target.startsWith('/_storage/'), where).toBe(true);
    if (answer.status === 400) {
      expect(request.headers.authorization, where).toBeDefined();
      expect(answer.text, where).toContain('<Code>InvalidArgument</Code>');
      expect(answer.text, where).toContain('<ArgumentName>Authorization</ArgumentName>');
      return;
    }
    expect(answer.status, where).toBe(403);
    expect(answer.text, where).toMatch(/^<\?xml[^>]*\?>\s*<Error><Code>\w+<\/Code><Message>[^<]*<\/Message><\/Error>/);
    return;
  }
  expect(answer.contentType, where).toMatch(/^application\/json/);
  const body = JSON.parse(answer.text) as { code: unknown };
  expect(errorBodyValidator(body), `${where}\n${JSON.stringify(errorBodyValidator.errors)}`).toBe(true);
  expect(body.code, where).toBe(answer.status);
}

/** The witness: the default account still answers its seed's five custom statuses. */
async function expectStillServing(send: (request: FuzzRequest) => Promise<Answer>): Promise<void> {
  const answer = await send({
    operationId: 'listAgentStatuses',
    method: 'GET',
    target: '/v2/agents/status',
    headers: { authorization: `Bearer ${TOKEN}` },
    body: undefined,
  });
  expect(answer.status, answer.text).toBe(200);
  expect(JSON.parse(answer.text)).toEqual({ states: SEED_STATES });
}

/** Makes sure the fuzzing account exists (a fuzzed `POST /_mock/reset` with its token, the admin token here, removes it). */
function ensureFuzzAccount(mock: MockServer): void {
  if (mock.state.authenticate(FUZZ_TOKEN)) return;
  mock.state.createAccount({ ...SEED, token: FUZZ_TOKEN, app_id: undefined, admin_id: undefined });
}

/** No fault that could answer 503, delay or drop may ever be active in the fuzzing account. */
function expectNoDisruptiveFault(mock: MockServer): void {
  const faults = mock.state.authenticate(FUZZ_TOKEN)?.faults.all() ?? [];
  expect(
    faults.filter((f) => !['report_failure', 'report_part_status', 'report_split', 'report_interval'].includes(f.type)),
    JSON.stringify(faults),
  ).toEqual([]);
}

const noWebhooks = (async () => new Response(null, { status: 204 })) as unknown as typeof fetch;

function inProcess(mock: MockServer) {
  return async (request: FuzzRequest): Promise<Answer> => {
    const response = await mock.app.fetch(
      new Request(`${ORIGIN}${request.target}`, {
        method: request.method,
        headers: request.headers,
        body: request.body as BodyInit | undefined,
      }),
    );
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text: await bodyText(response),
    };
  };
}

/** Sends over a fresh socket with node:http, which sends the target and header bytes as given. */
function overHttp(url: string) {
  const { hostname, port } = new URL(url);
  return (request: FuzzRequest): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: hostname,
          port,
          method: request.method,
          path: request.target,
          agent: false,
          headers: {
            ...request.headers,
            connection: 'close',
            ...(request.body ? { 'content-length': String(request.body.length) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          const stream = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
          res.on('data', (c: Buffer) => {
            chunks.push(c);
            // An event stream never ends: its first event is the answer.
            if (stream) res.destroy();
          });
          res.on('close', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      // An early answer (413) may come before the whole body is written; the answer is what counts.
      req.on('error', reject);
      req.end(request.body);
    });
}

/** Sends the body in 16 KiB chunks with `Transfer-Encoding: chunked`: the server learns its size only by reading. */
function sendChunked(url: string, request: FuzzRequest): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: hostname, port, method: request.method, path: request.target, agent: false, headers: request.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    const body = request.body ?? new Uint8Array(0);
    const write = (at: number) => {
      if (at >= body.length || req.destroyed) {
        req.end();
        return;
      }
      const ok = req.write(body.subarray(at, at + 16 * 1024));
      if (ok) setImmediate(() => write(at + 16 * 1024));
      else req.once('drain', () => write(at + 16 * 1024));
    };
    write(0);
  });
}

const freshchatOps = specOperations.filter((op) => op.document === 'freshchat');
const authedOps = specOperations.filter((op) => op.auth);

describe('bad input, derived from the documents', () => {
  let mock: MockServer;
  let send: (request: FuzzRequest) => Promise<Answer>;
  const ctx: GeneratorContext = { knownIds: KNOWN_IDS, now: T0 };

  beforeAll(() => {
    mock = createMockServer({
      clock: frozenClock(),
      // The fuzzing account reaches every operation, those of the admin token included (the clock, accounts, reset).
      adminToken: FUZZ_TOKEN,
      limits: { requestsPerMinute: 10_000_000 },
      webhooks: { fetch: noWebhooks },
    });
    send = inProcess(mock);
  });
  afterAll(() => mock.close());

  it('derives every operation of both documents, with its parameters and body schema', () => {
    expect(specOperations.length).toBe(37);
    expect(freshchatOps.map((op) => op.operationId)).toEqual([
      'listAgentStatuses',
      'listAgents',
      'getAgent',
      'updateAgentStatus',
      'requestRawReport',
      'getRawReport',
    ]);
    for (const op of specOperations) {
      expect(op.pathParams.map((p) => `{${p.name}}`).sort(), op.operationId).toEqual(
        (op.path.match(/\{\w+\}/g) ?? []).sort(),
      );
      // A body schema exactly where the route table says the operation takes a body.
      expect(op.bodySchema !== undefined, op.operationId).toBe(op.body !== 'none');
      if (op.bodySchema) expect(op.bodySchema.document).toBe(op.document);
    }
    expect(specOperations.find((op) => op.operationId === 'listAgents')?.queryParams.map((p) => p.name)).toContain(
      'items_per_page',
    );
  });

  it('never answers 5xx, answers every 4xx in the Error shape, and keeps serving: every operation, valid-ish and broken inputs', async () => {
    const auth = fc.oneof(
      { weight: 9, arbitrary: fc.constant<string | undefined>(`Bearer ${FUZZ_TOKEN}`) },
      { weight: 1, arbitrary: fc.constantFrom(...BAD_AUTH) },
    );
    const anyRequest = fc.constantFrom(...specOperations).chain((op) => requestFor(op, ctx, auth));
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(anyRequest, async (request) => {
        ensureFuzzAccount(mock);
        const answer = await send(request);
        seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
        expectSound(request, answer);
        expectNoDisruptiveFault(mock);
        await expectStillServing(send);
      }),
      { numRuns: 300 },
    );
    // The generators reach both sides: accepted requests and each kind of refusal.
    expect([...seen.keys()].some((s) => s < 300)).toBe(true);
    for (const status of [400, 401, 404]) expect(seen.has(status), `saw ${[...seen.keys()]}`).toBe(true);
  });

  it('answers 401 in the Error shape for every bad Authorization header, on every operation that needs a token', async () => {
    const request = fc
      .tuple(fc.constantFrom(...authedOps), fc.constantFrom(...BAD_AUTH))
      .chain(([op, header]) => requestFor(op, { ...ctx }, fc.constant(header)).map((r) => ({ r, op })));
    await fc.assert(
      fc.asyncProperty(request, async ({ r }) => {
        // Tricks in the path may miss the route altogether (404); a matched route refuses before anything else.
        const answer = await send(r);
        expectSound(r, answer);
        if (answer.status !== 404 && answer.status !== 405) expect(answer.status, r.target).toBe(401);
        await expectStillServing(send);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses path tricks (dot segments, encoded slashes, long and non-uuid ids) with 4xx in the Error shape', async () => {
    const withIds = specOperations.filter((op) => op.pathParams.length > 0);
    const request = fc.constantFrom(...withIds).chain((op) =>
      fc.tuple(...op.pathParams.map(() => fc.constantFrom(...PATH_TRICKS, ...ODD_IDS.map(encode)))).map((values) => ({
        operationId: op.operationId,
        method: op.method,
        target: op.pathParams.reduce((p, param, i) => p.replace(`{${param.name}}`, values[i] as string), op.path),
        headers: { authorization: `Bearer ${FUZZ_TOKEN}`, 'content-type': 'application/json' },
        body: op.method === 'GET' ? undefined : utf8('{"name":"x","availability_status":"UNAVAILABLE"}'),
      })),
    );
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        ensureFuzzAccount(mock);
        const answer = await send(r);
        expectSound(r, answer);
        // A trick never reaches a resource: it names no valid id. (Dot segments that climb to `/` meet its
        // redirect to /docs; `/v2/agents/.` is `/v2/agents/` to every URL parser, which the trailing-slash rule
        // answers as the list, a path that names no id.)
        const resolved = new URL(r.target, 'http://sandbox.local').pathname.replace(/(.)\/$/, '$1');
        const landsOnList = specOperations.some(
          (op) => op.method === r.method && op.pathParams.length === 0 && op.path === resolved,
        );
        if (!landsOnList) expect(answer.status, `${r.method} ${r.target}`).toBeGreaterThanOrEqual(300);
        await expectStillServing(send);
      }),
      { numRuns: 150 },
    );
  });

  it('answers 413 past the body limits (64 KiB on /v2, 1 MiB on /_mock) and 400 past 32 levels of nesting', async () => {
    const bodies = specOperations.filter((op) => op.bodySchema !== undefined && op.auth);
    const counts = { tooLarge: 0, tooDeep: 0 };
    for (const op of bodies) {
      const target = op.path.replace(/\{\w+\}/g, IDS.john);
      const limit = op.document === 'freshchat' ? 64 * 1024 : 1024 * 1024;
      const pad = 'p'.repeat(limit);
      for (const [body, status] of [
        [`{"pad":"${pad}"}`, 413],
        [deepArray(33), 400],
        [deepObject(1_000), 400],
      ] as const) {
        const r: FuzzRequest = {
          operationId: op.operationId,
          method: op.method,
          target,
          headers: { authorization: `Bearer ${FUZZ_TOKEN}`, 'content-type': 'application/json' },
          body: utf8(body),
        };
        ensureFuzzAccount(mock);
        const answer = await send(r);
        expectSound(r, answer);
        expect(answer.status, `${op.operationId}: ${answer.text}`).toBe(status);
        if (status === 413) counts.tooLarge++;
        else counts.tooDeep++;
        expect(JSON.parse(answer.text).message).toMatch(status === 413 ? /^body: / : /nested deeper than 32/);
      }
    }
    expect(counts).toEqual({ tooLarge: bodies.length, tooDeep: 2 * bodies.length });
    await expectStillServing(send);
  });

  it('accepts a body nested exactly 32 levels deep (the limit is not off by one)', async () => {
    // `data` of a trigger takes any object: 31 levels inside the body's own object.
    const data = JSON.parse(deepObject(30)) as unknown;
    const answer = await send({
      operationId: 'triggerWebhook',
      method: 'POST',
      target: '/_mock/webhooks/trigger',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: utf8(JSON.stringify({ action: 'message_create', data: { ...(data as object) } })),
    });
    // 32 levels: valid by depth; the payload check may still refuse it, but never as too deep.
    expect(answer.text).not.toMatch(/nested deeper/);
    expect(answer.status).toBeLessThan(500);
  });

  it('refuses a fault input that is not an object with 400 (the validator checks objects only)', async () => {
    for (const body of ['null', '[]', '5', '"latency"', 'true']) {
      const r: FuzzRequest = {
        operationId: 'injectFault',
        method: 'POST',
        target: '/_mock/faults',
        headers: { authorization: `Bearer ${FUZZ_TOKEN}`, 'content-type': 'application/json' },
        body: utf8(body),
      };
      ensureFuzzAccount(mock);
      const answer = await send(r);
      expectSound(r, answer);
      expect(answer.status, `${body}: ${answer.text}`).toBe(400);
    }
    expect(
      mock.state
        .authenticate(FUZZ_TOKEN)
        ?.faults.all()
        .filter((f) => f.type === undefined),
    ).toEqual([]);
  });

  it('refuses a leap-second date-time (which JavaScript cannot represent) with 400, on agents and account seeds', async () => {
    const y = new Date(T0).getUTCFullYear() - 1;
    for (const [target, body] of [
      ['/_mock/agents', { first_name: 'Leap', last_name: 'Second', since: `${y}-12-31T23:59:60Z` }],
      ['/_mock/accounts', { agents: [{ first_name: 'Leap', last_name: 'Second', since: `${y}-12-31T23:59:60Z` }] }],
      ['/v2/reports/raw', { start: `${y}-12-31T23:59:60Z`, end: `${y + 1}-01-01T10:00:00Z`, event: 'Agent-Activity' }],
    ] as const) {
      const r: FuzzRequest = {
        operationId: target,
        method: 'POST',
        target,
        headers: { authorization: `Bearer ${FUZZ_TOKEN}`, 'content-type': 'application/json' },
        body: utf8(JSON.stringify(target === '/v2/reports/raw' ? { ...body, format: 'csv' } : body)),
      };
      ensureFuzzAccount(mock);
      const answer = await send(r);
      expectSound(r, answer);
      expect(answer.status, answer.text).toBe(400);
      expect(JSON.parse(answer.text).message).toMatch(/since|start/);
    }
    // And the fuzzing account's histories still read.
    for (const agent of [IDS.john, IDS.matt]) {
      const answer = await send({
        operationId: 'getAgentHistory',
        method: 'GET',
        target: `/_mock/agents/${agent}/history`,
        headers: { authorization: `Bearer ${FUZZ_TOKEN}` },
        body: undefined,
      });
      expect(answer.status, answer.text).toBe(200);
    }
  });

  it('refuses to move the clock past the last representable time with 4xx, and keeps answering', async () => {
    // Each advance is at most ten years; from 2030 the end of JavaScript time (year 275760) is ~27 400 steps away.
    const own = createMockServer({ clock: frozenClock() });
    const ownSend = inProcess(own);
    const advance: FuzzRequest = {
      operationId: 'advanceClock',
      method: 'POST',
      target: '/_mock/clock/advance',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: utf8('{"seconds":315576000}'),
    };
    let refused: Answer | undefined;
    let steps = 0;
    try {
      for (; steps < 30_000 && !refused; steps++) {
        const answer = await ownSend(advance);
        if (answer.status !== 200) refused = answer;
        else expect(JSON.parse(answer.text).now).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
      expect(refused, `no refusal after ${steps} advances`).toBeDefined();
      expectSound(advance, refused as Answer);
      expect((refused as Answer).status).toBe(400);
      const clock = await ownSend({ ...advance, method: 'GET', target: '/_mock/clock', body: undefined });
      expect(clock.status).toBe(200);
      await expectStillServing(ownSend);
    } finally {
      own.close();
    }
  });
});

describe('bad input over a real socket', () => {
  let server: ListeningMockServer;
  let send: (request: FuzzRequest) => Promise<Answer>;
  const ctx: GeneratorContext = { knownIds: KNOWN_IDS, now: T0 };

  beforeAll(async () => {
    server = await listen({
      port: 0,
      clock: frozenClock(),
      adminToken: FUZZ_TOKEN,
      limits: { requestsPerMinute: 10_000_000 },
      webhooks: { fetch: noWebhooks },
    });
    send = overHttp(server.url);
  });
  afterAll(async () => server.stop());

  it('odd encodings and oversized bodies: sound answers, and the sandbox keeps serving', async () => {
    const withBody = specOperations.filter((op) => op.bodySchema !== undefined && op.auth);
    const request = fc.constantFrom(...withBody).chain((op) =>
      fc
        .record({
          target: fc.constant(op.path.replace(/\{\w+\}/g, IDS.john)),
          body: (op.bodySchema ? validish(op.bodySchema, ctx) : fc.constant({})).chain((v) =>
            rawBodies(JSON.stringify(withoutInjectedFaults(op, v))),
          ),
          contentType: fc.constantFrom(...CONTENT_TYPES),
        })
        .map(
          ({ target, body, contentType }): FuzzRequest => ({
            operationId: op.operationId,
            method: op.method,
            target,
            headers: {
              authorization: `Bearer ${FUZZ_TOKEN}`,
              ...(contentType !== undefined ? { 'content-type': contentType } : {}),
            },
            body,
          }),
        ),
    );
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        ensureFuzzAccount(server);
        const answer = await send(r);
        expectSound(r, answer);
        expectNoDisruptiveFault(server);
        await expectStillServing(send);
      }),
      { numRuns: 60 },
    );
  });

  it('answers 413 past the body limits, whether the size is declared (Content-Length) or not (chunked)', async () => {
    const bodies = specOperations.filter((op) => op.bodySchema !== undefined && op.auth);
    let tooLarge = 0;
    for (const op of bodies) {
      const limit = op.document === 'freshchat' ? 64 * 1024 : 1024 * 1024;
      for (const chunked of [false, true]) {
        const r: FuzzRequest = {
          operationId: op.operationId,
          method: op.method,
          target: op.path.replace(/\{\w+\}/g, IDS.john),
          headers: { authorization: `Bearer ${FUZZ_TOKEN}`, 'content-type': 'application/json' },
          body: utf8(`{"pad":"${'p'.repeat(limit)}"}`),
        };
        ensureFuzzAccount(server);
        const answer = await (chunked ? sendChunked(server.url, r) : send(r));
        expectSound(r, answer);
        expect(answer.status, `${op.operationId} chunked=${chunked}`).toBe(413);
        tooLarge++;
        await expectStillServing(send);
      }
    }
    expect(tooLarge).toBe(2 * bodies.length);
  });

  it('raw paths (dot segments, backslashes, double slashes, non-ASCII bytes) and non-ASCII Authorization bytes', async () => {
    ensureFuzzAccount(server);
    const raw = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
    const targets = [
      '/v2/agents/../agents/status',
      '/v2/agents/%2e%2e/agents/status',
      '/v2/../../../../etc/passwd',
      '//v2/agents/status',
      '/v2//agents/status',
      '/v2/agents/status/',
      '/v2\\agents\\status',
      `/v2/agents/${raw('ünïcødé')}`,
      `/_mock/agents/${raw('😀')}/history`,
      `/_mock/statuses/${'9'.repeat(8000)}`,
      '/v2/agents?page=%',
      `/v2/reports/raw/${IDS.john}%2F..%2F..`,
      '/_storage/extraction/..%2F..%2F_mock%2Fclock/2030/06/x.zip',
      `/_storage/extraction/${'a'.repeat(64)}/2030/06/${IDS.john}-1.zip?X-Amz-Date=%ZZ&X-Amz-Expires=-1&X-Amz-Signature=`,
    ];
    // These never reach the sandbox: Node's HTTP parser refuses raw non-ASCII bytes in the target, and
    // @hono/node-server cannot make a URL of a target with backslashes. Both answer a bare 400 and close.
    const refusedBeforeTheApp = new Set([targets[6], targets[7], targets[8]]);
    for (const target of targets) {
      for (const authorization of [`Bearer ${FUZZ_TOKEN}`, raw(`Bearer ${FUZZ_TOKEN}é`), raw('Bearer 令牌')]) {
        const r: FuzzRequest = {
          operationId: 'raw',
          method: 'GET',
          target,
          headers: { authorization },
          body: undefined,
        };
        const answer = await send(r);
        if (refusedBeforeTheApp.has(target))
          expect({ status: answer.status, text: answer.text }).toEqual({ status: 400, text: '' });
        else expectSound(r, answer);
        await expectStillServing(send);
      }
    }
  });
});
