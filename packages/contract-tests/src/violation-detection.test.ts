/**
 * The checks of the CI run cannot pass vacuously: Prism (as this package starts it) and the AJV check of the
 * control API both flag answers that break their document. A tiny fake upstream answers wrong shapes on purpose.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ContractViolationError,
  documentCheckedFetch,
  PRISM_VIOLATIONS_HEADER,
  parseViolations,
  prismCheckedFetch,
} from './checked-fetch.js';
import { documentPath } from './documents.js';
import { type RunningPrism, startPrism } from './prism.js';
import { coverageGaps, ResponseLedger } from './response-ledger.js';

const STATUS_ID = 'ccd63293-dd83-4369-a1e9-27aeabc4e62e';
const RATE_HEADERS = {
  'x-ratelimit-limit': '5000',
  'x-ratelimit-remaining': '4999',
  'x-ratelimit-reset': '1700000000',
};

/** Answers by path: `/v2/...` imitates the Freshchat API, `/_mock/...` the control API, each right or wrong. */
const answers: Record<string, { status: number; headers: Record<string, string>; body: string }> = {
  '/v2/agents/status': { status: 200, headers: RATE_HEADERS, body: JSON.stringify({ states: [{ id: 'lunch' }] }) },
  '/v2/agents': {
    status: 418,
    headers: {},
    body: JSON.stringify({ code: 418, status: 'TEAPOT', message: 'short and stout' }),
  },
  [`/v2/agents/${STATUS_ID}`]: {
    status: 404,
    headers: {},
    body: JSON.stringify({ code: 404, status: 'AGENT_NOT_FOUND', message: 'agent_id: agent not found' }),
  },
  '/v2/reports/raw': {
    status: 202,
    headers: { ...RATE_HEADERS, 'x-ratelimit-limit': 'many' },
    body: JSON.stringify({ id: STATUS_ID, link: { rel: 'extracts', href: '/reports/raw/x' } }),
  },
  '/_mock/clock': { status: 200, headers: {}, body: JSON.stringify({ now: 'yesterday', frozen: false }) },
  '/_mock/account': { status: 200, headers: {}, body: '<account/>' },
  '/_mock/statuses': { status: 418, headers: {}, body: JSON.stringify({ code: 418, status: 'TEAPOT', message: 'x' }) },
  '/_mock/webhooks': { status: 200, headers: {}, body: JSON.stringify({ subscriptions: [] }) },
};

let upstream: Server;
let upstreamUrl: string;
let prism: RunningPrism;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const answer = answers[new URL(req.url ?? '/', 'http://x').pathname];
    req.resume();
    if (!answer) {
      res.writeHead(500).end();
      return;
    }
    const type = answer.body.startsWith('<') ? 'application/xml' : 'application/json';
    res.writeHead(answer.status, { 'content-type': type, ...answer.headers }).end(answer.body);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  prism = await startPrism({ document: documentPath('freshchat.yaml'), upstream: `${upstreamUrl}/v2` });
});

afterAll(async () => {
  await prism?.stop();
  await new Promise((resolve) => upstream?.close(resolve));
});

describe('Prism in proxy mode flags answers that break freshchat.yaml', () => {
  const get = (path: string, init: RequestInit = {}) =>
    new Request(`${prism.url}${path}`, { ...init, headers: { Authorization: 'Bearer sandbox-token' } });

  it(`a body of the wrong shape: Prism answers 500 with the violations in ${PRISM_VIOLATIONS_HEADER}`, async () => {
    const response = await fetch(get('/agents/status'));
    expect(response.status).toBe(500);
    const violations = parseViolations(response.headers.get(PRISM_VIOLATIONS_HEADER));
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ location: ['response', 'body', 'states', '0'], severity: 'Error', code: 'required' }),
        expect.objectContaining({ location: ['response', 'body', 'states', '0', 'id'], code: 'format' }),
      ]),
    );
  });

  it('the checked fetch throws on it, naming the operation and the violation, and records it', async () => {
    const ledger = new ResponseLedger();
    const checked = prismCheckedFetch({ prismUrl: prism.url, ledger });
    const failure = await checked(get('/agents/status')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContractViolationError);
    expect(String(failure)).toMatch(/listAgentStatuses .* answered 500[\s\S]*required property 'name'/);
    expect(ledger.violations()).toHaveLength(1);
  });

  it('a status the document does not declare is flagged, and fails the coverage', async () => {
    const ledger = new ResponseLedger();
    const checked = prismCheckedFetch({ prismUrl: prism.url, ledger });
    await expect(checked(get('/agents'))).rejects.toThrow(/Unable to match the returned status code/);
    expect(coverageGaps(ledger.coverage('freshchat.yaml'))).toContain('listAgents 418: produced but not declared');
  });

  it('a header of the wrong type is flagged', async () => {
    const checked = prismCheckedFetch({ prismUrl: prism.url });
    const body = JSON.stringify({
      start: '2020-12-14T13:00:00Z',
      end: '2020-12-15T13:00:00Z',
      event: 'Agent-IntelliAssign-Activity',
      format: 'csv',
    });
    const request = new Request(`${prism.url}/reports/raw`, {
      method: 'POST',
      body,
      headers: { Authorization: 'Bearer sandbox-token', 'Content-Type': 'application/json' },
    });
    await expect(checked(request)).rejects.toThrow(/x-ratelimit-limit must be integer/i);
  });

  it('an answer that honours the document passes untouched', async () => {
    const ledger = new ResponseLedger();
    const response = await prismCheckedFetch({ prismUrl: prism.url, ledger })(get(`/agents/${STATUS_ID}`));
    expect(response.status).toBe(404);
    expect(response.headers.get(PRISM_VIOLATIONS_HEADER)).toBeNull();
    expect(ledger.entries).toMatchObject([{ operationId: 'getAgent', status: 404, problems: [] }]);
  });
});

describe('the AJV check flags answers that break mock-control.yaml', () => {
  const checked = (ledger?: ResponseLedger) =>
    documentCheckedFetch({ document: 'mock-control.yaml', baseUrl: upstreamUrl, ...(ledger ? { ledger } : {}) });
  const get = (path: string) => new Request(`${upstreamUrl}${path}`);

  it('a body of the wrong shape', async () => {
    await expect(checked()(get('/_mock/clock'))).rejects.toThrow(
      /getClock .*\n.*body now must match format "date-time"/,
    );
  });

  it('a media type the document does not declare', async () => {
    await expect(checked()(get('/_mock/account'))).rejects.toThrow(/media type "application\/xml" is not declared/);
  });

  it('a status the document does not declare, which also fails the coverage', async () => {
    const ledger = new ResponseLedger();
    await expect(checked(ledger)(get('/_mock/statuses'))).rejects.toThrow(/status 418 is not declared/);
    expect(coverageGaps(ledger.coverage('mock-control.yaml'))).toContain(
      'listManagedStatuses 418: produced but not declared',
    );
  });

  it('a path no operation has', async () => {
    await expect(checked()(get('/_mock/nothing-here'))).rejects.toThrow(/no operation of mock-control.yaml matches/);
  });

  it('an answer that honours the document passes', async () => {
    const response = await checked()(get('/_mock/webhooks'));
    expect(await response.json()).toEqual({ subscriptions: [] });
  });
});
