/**
 * Accounts never see each other's data: for every operation with an id in its path (derived from the route table),
 * another account's token gets 404 for this account's ids, and changes nothing. Listings show nothing of another
 * account. An account's token resets that account alone; what reaches every account takes the admin token. Tokens
 * are looked up by digest, and near-miss tokens are all refused.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auth, bodyText, IDS, openSandbox, type TestSandbox, TOKEN } from '../testing/sandbox-harness.js';
import { errorBodyValidator, specOperations } from './testing/spec-requests.js';

const TOKEN_B = 'isolation-account-b';
const noWebhooks = (async () => new Response(null, { status: 204 })) as unknown as typeof fetch;

/** Every operation that names a resource in its path and needs a token. */
const withIds = specOperations.filter((op) => op.auth && op.pathParams.length > 0);

/** A valid body for each operation that takes one, so only the id can be the reason for a refusal. */
const BODIES: Record<string, unknown> = {
  updateAgentStatus: { availability_status: 'UNAVAILABLE' },
  updateStatus: { name: 'Hijacked' },
  setAgentStatusAsAgent: { availability_status: 'UNAVAILABLE' },
  updateAgentLogin: { login_status: false },
};

type AccountA = {
  agent: string;
  report: string;
  status: string;
  subscription: string;
  fault: string;
  delivery: string;
};

async function json(response: Response): Promise<{ status: number; body: unknown }> {
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Account A (the default) with one of everything; account B, made through the control API with its own seed. */
async function twoAccounts(): Promise<{ sandbox: TestSandbox; a: AccountA }> {
  const sandbox = openSandbox({ webhooks: { fetch: noWebhooks } });
  const post = async (path: string, body: unknown, token = TOKEN) =>
    json(
      await sandbox.raw(path, {
        method: path.startsWith('/v2/agents/') ? 'PATCH' : 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
  const status = await post('/_mock/statuses', { name: 'A only' });
  const subscription = await post('/_mock/webhooks', { url: 'http://127.0.0.1:9/a-only' });
  const fault = await post('/_mock/faults', { type: 'report_failure', count: 5 });
  const report = await post('/v2/reports/raw', {
    start: '2030-06-14T00:00:00Z',
    end: '2030-06-15T00:00:00Z',
    event: 'Agent-IntelliAssign-Activity',
    format: 'csv',
  });
  const patched = await post(`/v2/agents/${IDS.john}`, { agent_status: { id: IDS.lunch } });
  const b = await post('/_mock/accounts', {
    token: TOKEN_B,
    statuses: [{ name: 'B only' }],
    agents: [{ first_name: 'Bea', last_name: 'Other' }],
  });
  for (const answer of [status, subscription, fault, report, patched, b]) expect(answer.status).toBeLessThan(300);
  const id = (answer: { body: unknown }) => (answer.body as { id: string }).id;
  await sandbox.mock.webhooks.idle();
  const deliveries = await json(await sandbox.raw('/_mock/webhooks/deliveries', { headers: auth() }));
  const delivery = (deliveries.body as { deliveries: { id: string }[] }).deliveries[0]?.id as string;
  return {
    sandbox,
    a: {
      agent: IDS.john,
      report: id(report),
      status: id(status),
      subscription: id(subscription),
      fault: id(fault),
      delivery,
    },
  };
}

/** What account A holds, read with A's token. */
async function snapshotOfA(sandbox: TestSandbox, a: AccountA): Promise<unknown[]> {
  const paths = [
    '/_mock/statuses',
    '/_mock/webhooks',
    '/_mock/faults',
    `/_mock/agents/${a.agent}/history`,
    `/v2/agents/${a.agent}`,
    `/v2/reports/raw/${a.report}`,
  ];
  return Promise.all(paths.map(async (path) => json(await sandbox.raw(path, { headers: auth() }))));
}

const idFor = (a: AccountA, param: string): string => {
  const ids: Record<string, string> = {
    agent_id: a.agent,
    id: a.report,
    status_id: a.status,
    subscription_id: a.subscription,
    fault_id: a.fault,
    delivery_id: a.delivery,
  };
  const value = ids[param];
  if (!value) throw new Error(`no id of account A for the path parameter ${param}: add one to this test`);
  return value;
};

describe("another account's ids", () => {
  it('covers every operation with an id in its path', () => {
    expect(withIds.map((op) => op.operationId).sort()).toEqual(
      [
        'getAgent',
        'updateAgentStatus',
        'getRawReport',
        'updateStatus',
        'deleteStatus',
        'setAgentStatusAsAgent',
        'updateAgentLogin',
        'getAgentHistory',
        'unsubscribeWebhook',
        'removeFault',
        'resendWebhookDelivery',
      ].sort(),
    );
    // The one operation with ids in its path that needs no token is the pre-signed download (tested below); the
    // other that needs none, the health path, names nothing.
    const open = specOperations.filter((op) => !op.auth);
    expect(open.map((op) => op.operationId)).toEqual(['getHealth', 'downloadReportPart']);
    expect(open.filter((op) => op.pathParams.length > 0).map((op) => op.operationId)).toEqual(['downloadReportPart']);
  });

  it.each(withIds.map((op) => [op.operationId, op] as const))(
    "%s: B's token gets 404 for A's id, and A's data is unchanged",
    async (_, op) => {
      const { sandbox, a } = await twoAccounts();
      const before = await snapshotOfA(sandbox, a);
      const path = op.pathParams.reduce((p, param) => p.replace(`{${param.name}}`, idFor(a, param.name)), op.path);
      const body = op.bodySchema ? BODIES[op.operationId] : undefined;
      if (op.bodySchema) expect(body, `a valid body for ${op.operationId}`).toBeDefined();
      const answer = await json(
        await sandbox.raw(path, {
          method: op.method,
          headers: { Authorization: `Bearer ${TOKEN_B}`, 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
      expect(answer.status, JSON.stringify(answer.body)).toBe(404);
      expect(errorBodyValidator(answer.body)).toBe(true);
      expect(answer.body).toMatchObject({ code: 404, status: expect.stringMatching(/_NOT_FOUND$/) });
      expect(await snapshotOfA(sandbox, a)).toEqual(before);

      // The id is real: A's own token reaches it (reads only; writes would change the snapshot above).
      if (op.method === 'GET') {
        const own = await sandbox.raw(path, { headers: auth() });
        expect(own.status).toBe(200);
      }
    },
  );

  it("B's listings show nothing of A's data (every GET operation without path parameters)", async () => {
    const { sandbox, a } = await twoAccounts();
    const account = await json(await sandbox.raw('/_mock/account', { headers: auth() }));
    const { app_id, admin_id } = account.body as { app_id: string; admin_id: string };
    const secretsOfA = [a.agent, a.report, a.status, a.subscription, a.fault, app_id, admin_id, TOKEN, 'A only'];
    const lists = specOperations.filter((op) => op.auth && op.method === 'GET' && op.pathParams.length === 0);
    expect(lists.length).toBeGreaterThanOrEqual(9);
    // A's webhook deliveries and journal have entries to leak, if anything leaked.
    await sandbox.raw('/v2/agents', { headers: auth() });
    for (const op of lists) {
      const response = await sandbox.raw(op.path, { headers: { Authorization: `Bearer ${TOKEN_B}` } });
      const text = await bodyText(response);
      expect(response.status, `${op.operationId}: ${text}`).toBe(200);
      for (const secret of secretsOfA) expect(text, `${op.operationId} shows ${secret}`).not.toContain(secret);
    }
    const keyOf = async (token: string) =>
      (await sandbox.raw('/_mock/webhooks/public-key', { headers: { Authorization: `Bearer ${token}` } })).text();
    expect(await keyOf(TOKEN_B)).not.toBe(await keyOf(TOKEN));
  });

  it("B's faults do not touch A's answers, and A's faults do not touch B's", async () => {
    const { sandbox } = await twoAccounts();
    const b = sandbox.clientsFor(TOKEN_B);
    await b.control.POST('/_mock/faults', { body: { type: 'error', status: 503 } });
    expect((await sandbox.freshchat.GET('/agents/status')).response.status).toBe(200);
    expect((await b.freshchat.GET('/agents/status')).response.status).toBe(503);
    await sandbox.control.POST('/_mock/faults', { body: { type: 'error', status: 429, operation: 'listAgents' } });
    await b.control.DELETE('/_mock/faults');
    expect((await b.freshchat.GET('/agents')).response.status).toBe(200);
    expect((await sandbox.freshchat.GET('/agents')).response.status).toBe(429);
  });

  it("a download link of A's report needs no token, and a link re-pointed at another account's key is refused", async () => {
    const { sandbox, a } = await twoAccounts();
    await sandbox.advance(30);
    const report = await sandbox.freshchat.GET('/reports/raw/{id}', { params: { path: { id: a.report } } });
    // The report_failure fault of the setup applies to A's report: A's next report is the one to download.
    expect(report.data?.status).toBe('FAILED');
    await sandbox.control.DELETE('/_mock/faults');
    await sandbox.advance(60);
    const accepted = await sandbox.freshchat.POST('/reports/raw', {
      body: { start: '2030-06-14T00:00:00Z', end: '2030-06-15T00:00:00Z', event: 'Agent-Activity', format: 'csv' },
    });
    await sandbox.advance(30);
    const done = await sandbox.freshchat.GET('/reports/raw/{id}', {
      params: { path: { id: accepted.data?.id as string } },
    });
    const href = done.data?.links[0]?.link?.href as string;
    expect((await sandbox.raw(href.replace(/^https?:\/\/[^/]+/, ''))).status).toBe(200);
    const other = createHash('sha256').update('another account').digest('hex');
    const repointed = href.replace(/extraction\/[0-9a-f]{64}\//, `extraction/${other}/`);
    const refused = await sandbox.raw(repointed.replace(/^https?:\/\/[^/]+/, ''));
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/<Error><Code>(AccessDenied|SignatureDoesNotMatch)<\/Code>/);
  });
});

describe('reset is scoped: an account resets itself, the admin token everything', () => {
  it("B's reset puts B alone back to its seed: A keeps its data, and B's token still opens B", async () => {
    const { sandbox, a } = await twoAccounts();
    const before = await sandbox.raw('/_mock/account', { headers: { Authorization: `Bearer ${TOKEN_B}` } });
    const reset = await sandbox.raw('/_mock/reset', {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN_B}` },
    });
    expect(reset.status).toBe(200);
    // A keeps what the setup made.
    const statuses = await sandbox.control.GET('/_mock/statuses');
    expect(statuses.data?.states.map((s) => s.id)).toContain(a.status);
    expect((await sandbox.control.GET('/_mock/webhooks')).data?.subscriptions).not.toEqual([]);
    const report = await sandbox.freshchat.GET('/reports/raw/{id}', { params: { path: { id: a.report } } });
    expect(report.response.status).toBe(200);
    // B is back at its seed, under the same token and app id.
    const after = await sandbox.raw('/_mock/account', { headers: { Authorization: `Bearer ${TOKEN_B}` } });
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual(await before.json());
  });

  it("B's token cannot move the clock or create accounts: 403 naming the admin token", async () => {
    const { sandbox } = await twoAccounts();
    for (const [path, body] of [
      ['/_mock/clock/advance', { seconds: 60 }],
      ['/_mock/clock', { frozen: true }],
      ['/_mock/accounts', {}],
    ] as const) {
      const refused = await sandbox.raw(path, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN_B}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(refused.status, path).toBe(403);
      expect(((await refused.json()) as { status: string }).status).toBe('ADMIN_TOKEN_REQUIRED');
    }
  });
});

describe('tokens', () => {
  /** Every token one step away from `token`: one character changed, a prefix, an extension, another case. */
  function nearMisses(token: string): string[] {
    const out = new Set<string>();
    for (let i = 0; i < token.length; i++) {
      const code = token.charCodeAt(i);
      out.add(`${token.slice(0, i)}${String.fromCharCode(code === 0x7e ? 0x21 : code + 1)}${token.slice(i + 1)}`);
      out.add(`${token.slice(0, i)}${token.slice(i + 1)}`);
      const c = token[i] as string;
      const swapped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
      if (swapped !== c) out.add(`${token.slice(0, i)}${swapped}${token.slice(i + 1)}`);
    }
    for (let n = 1; n < token.length; n++) out.add(token.slice(0, n));
    for (const extra of ['x', '-', '0', token]) out.add(`${token}${extra}`);
    out.add(token.toUpperCase());
    out.add(`${(token[0] as string).toUpperCase()}${token.slice(1)}`);
    out.delete(token);
    return [...out].filter((t) => t.length > 0);
  }

  it('refuses with 401 every token that differs by one character, every prefix, extension and change of case', async () => {
    const { sandbox } = await twoAccounts();
    let tried = 0;
    for (const token of [TOKEN, TOKEN_B]) {
      for (const miss of nearMisses(token)) {
        for (const path of ['/v2/agents/status', '/_mock/account']) {
          const response = await sandbox.raw(path, { headers: { Authorization: `Bearer ${miss}` } });
          expect(response.status, `${miss} on ${path}`).toBe(401);
          expect(await response.json()).toEqual({
            code: 401,
            status: 'UNAUTHORIZED',
            message: 'Authorization: the token is not valid',
          });
          tried++;
        }
      }
      // The token itself works (the scheme's case does not matter; the token's does).
      for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
        const ok = await sandbox.raw('/_mock/account', { headers: { Authorization: `${scheme} ${token}` } });
        expect(ok.status).toBe(200);
      }
    }
    expect(tried).toBeGreaterThan(200);
  });

  it('looks accounts up by the SHA-256 digest of the token, not by comparing token text', () => {
    // A timing test would be flaky; this checks how the lookup is built instead.
    const source = readFileSync(new URL('../domain/sandbox.ts', import.meta.url), 'utf8');
    const authenticate = /\n {2}authenticate\(token: string\)[^{]*\{([\s\S]*?)\n {2}\}/.exec(source)?.[1] ?? '';
    expect(authenticate.trim()).toBe('return this.accounts.get(tokenKey(token));');
    const tokenKey = /\nfunction tokenKey\(token: string\): string \{([\s\S]*?)\n\}/.exec(source)?.[1] ?? '';
    expect(tokenKey).toMatch(/\bhash\('sha256', token, |createHash\('sha256'\)\.update\(token\)\.digest\(/);

    // And the map really is keyed by digests: no token is held as a key.
    const { mock } = openSandbox();
    const keys = [...(mock.state as unknown as { accounts: Map<string, unknown> }).accounts.keys()];
    expect(keys).toEqual([createHash('sha256').update(TOKEN).digest('base64')]);
  });
});
