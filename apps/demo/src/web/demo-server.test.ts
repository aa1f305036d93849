import { request } from 'node:http';
import { type ListeningMockServer, listen } from '@freshchat-sandbox/mock-server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DemoServer, startDemoServer, WEBHOOK_PATH } from './demo-server.js';

const JOHN_DOE = 'afd5102c-5443-4fe3-a069-4fe25189a0a1';
const MEETING = 'ea0ab820-e97c-47f5-8443-7bd362adc393';

type State = {
  mode: string;
  webhooks: { live: boolean; note: string };
  agents: { id: string; statusName: string; lastChange: { source: string } | null }[];
  events: { kind: string; text: string }[];
};

async function state(board: DemoServer): Promise<State> {
  return (await fetch(`${board.url}/api/state`)).json() as Promise<State>;
}

const john = (current: State) => current.agents.find((agent) => agent.id === JOHN_DOE);

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, tries = 100): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out');
}

let sandbox: ListeningMockServer;

beforeAll(async () => {
  sandbox = await listen({ port: 0 });
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('against a running sandbox', () => {
  let board: DemoServer;

  beforeAll(async () => {
    board = await startDemoServer({ port: 0, sandbox: { url: sandbox.url }, log: () => {} });
  });

  afterAll(async () => {
    await board?.stop();
  });

  test('refuses deliveries that are not signed by the account, and the board stays as it was', async () => {
    const forged = JSON.stringify({
      actor: { actor_type: 'admin', actor_id: '5b3c1f0e-7a52-4d6b-9c1e-2f4a8d9e0b71' },
      action: 'agent_availability',
      action_time: new Date().toISOString(),
      data: {
        agent_availability: {
          status: 'UNAVAILABLE',
          routing_type: 'INTELLIASSIGN',
          app_id: 'f18dcf5f-338b-421e-b329-3dfd39b068d0',
          agent_id: JOHN_DOE,
          metadata: { agent_status: { id: MEETING, name: 'Meeting' } },
        },
      },
    });
    const unsigned = await fetch(`${board.url}${WEBHOOK_PATH}`, { method: 'POST', body: forged });
    expect(unsigned.status).toBe(401);
    const badlySigned = await fetch(`${board.url}${WEBHOOK_PATH}`, {
      method: 'POST',
      body: forged,
      headers: { 'X-Freshchat-Signature': btoa('not the signature') },
    });
    expect(badlySigned.status).toBe(401);

    const current = await state(board);
    expect(john(current)?.statusName).toBe('Active on IntelliAssign');
    expect(current.events.filter((event) => event.kind === 'refused')).toHaveLength(2);
  });

  test('a status change shows once its verified webhook arrives, not from the PATCH answer', async () => {
    const answer = await fetch(`${board.url}/api/agents/${JOHN_DOE}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ statusKey: `id:${MEETING}` }),
    });
    expect(await answer.json()).toMatchObject({ viaWebhook: true, unchanged: false });
    const after = await until(
      () => state(board),
      (current) => john(current)?.statusName === 'Meeting',
    );
    expect(john(after)?.lastChange?.source).toBe('webhook');
  });

  test('answers bad input with a 400 that names the field', async () => {
    const answer = await fetch(`${board.url}/api/agents/${JOHN_DOE}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ statusKey: 'Meeting' }),
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: string }).error).toMatch(/^statusKey/);
    const malformed = await fetch(`${board.url}/api/sandbox/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'sixty',
    });
    expect(malformed.status).toBe(400);
  });

  test('refuses a change from another origin (403) or with a body that is not JSON (415), and changes nothing', async () => {
    const before = john(await state(board))?.statusName;
    const target = before === 'Meeting' ? 'Lunch' : 'Meeting';
    const LUNCH = 'ccd63293-dd83-4369-a1e9-27aeabc4e62e';
    const body = JSON.stringify({ statusKey: `id:${target === 'Meeting' ? MEETING : LUNCH}` });
    const url = `${board.url}/api/agents/${JOHN_DOE}/status`;

    const crossOrigin = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://attacker.example' },
      body,
    });
    const crossSite = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      body,
    });
    // What a page on any site may send without a preflight: a text/plain body.
    const plain = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    const untyped = await fetch(`${board.url}/api/sandbox/clock/advance`, { method: 'POST', body: 'sixty' });

    expect(crossOrigin.status).toBe(403);
    expect(((await crossOrigin.json()) as { error: string }).error).toBe(
      "cross-origin requests are refused (Origin: https://attacker.example); use the board's own page",
    );
    expect(crossSite.status).toBe(403);
    expect(plain.status).toBe(415);
    expect(untyped.status).toBe(415);
    expect(((await plain.json()) as { error: string }).error).toMatch(/^the body must be JSON/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(john(await state(board))?.statusName).toBe(before);

    // The board's own page sends its own origin, and is answered (John stays where the next test expects him).
    const own = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: board.url },
      body: JSON.stringify({ statusKey: `id:${MEETING}` }),
    });
    expect(own.status).toBe(200);
  });

  test('answers only its own names as Host, refusing another with 403 naming --allowed-host', async () => {
    const { port } = new URL(board.url);
    const statusWith = (host: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request({ hostname: '127.0.0.1', port, path: '/api/state', headers: { Host: host } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.end();
      });
    expect((await statusWith(`localhost:${port}`)).status).toBe(200);
    const refused = await statusWith(`attacker.example:${port}`);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text).message).toBe(
      'Host: "attacker.example" is not an address of this server; to answer it, start it with --allowed-host attacker.example',
    );

    const named = await startDemoServer({
      port: 0,
      sandbox: { url: sandbox.url },
      allowedHosts: ['board.test'],
      log: () => {},
    });
    try {
      const other = new URL(named.url).port;
      const answered = await new Promise<number>((resolve, reject) => {
        const req = request(
          { hostname: '127.0.0.1', port: other, path: '/api/state', headers: { Host: 'board.test' } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(answered).toBe(200);
    } finally {
      await named.stop();
    }
  });

  test('relays the control API’s refusal to delete a status an agent is on', async () => {
    const answer = await fetch(`${board.url}/api/sandbox/statuses/${MEETING}`, { method: 'DELETE' });
    expect(answer.status).toBe(409);
  });
});

describe('a sandbox started with --admin-token', () => {
  let own: ListeningMockServer;
  const boards: DemoServer[] = [];
  const advance = (board: DemoServer) =>
    fetch(`${board.url}/api/sandbox/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds: 60 }),
    });

  beforeAll(async () => {
    own = await listen({ port: 0, frozenClock: true, clockStart: '2030-01-01T09:00:00.000Z', adminToken: 'boss' });
  });

  afterAll(async () => {
    for (const board of boards) await board.stop();
    await own?.stop();
  });

  test('moves the clock with SANDBOX_ADMIN_TOKEN, and passes on the 403 without it', async () => {
    const plain = await startDemoServer({ port: 0, sandbox: { url: own.url }, log: () => {} });
    boards.push(plain);
    const refused = await advance(plain);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toMatch(/admin token/);

    const admin = await startDemoServer({ port: 0, sandbox: { url: own.url, adminToken: 'boss' }, log: () => {} });
    boards.push(admin);
    const moved = await advance(admin);
    expect(moved.status).toBe(200);
    expect(await moved.json()).toEqual({ now: '2030-01-01T09:01:00.000Z' });
    // Everything else still goes through the account's token.
    expect((await state(admin)).agents.length).toBeGreaterThan(0);
  });
});

describe('filling 30 days for 50 agents', () => {
  let own: ListeningMockServer;
  let board: DemoServer;

  beforeAll(async () => {
    own = await listen({ port: 0 });
    board = await startDemoServer({ port: 0, sandbox: { url: own.url }, log: () => {} });
  });

  afterAll(async () => {
    await board?.stop();
    await own?.stop();
  });

  test('adds 50 agents with backfilled history, and a 30-day export charts every one of them', async () => {
    const filled = await fetch(`${board.url}/api/sandbox/simulate`, { method: 'POST' });
    expect(filled.status).toBe(201);
    expect(await filled.json()).toMatchObject({ agents_created: 50, days: 30 });
    expect((await state(board)).agents).toHaveLength(55); // the seed's four, the admin and 50 new ones

    const clock = await (
      await fetch(`${own.url}/_mock/clock`, { headers: { authorization: 'Bearer sandbox-token' } })
    ).json();
    const end = Date.parse((clock as { now: string }).now);
    const started = await fetch(`${board.url}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ start: new Date(end - 28 * 86_400_000).toISOString(), end: new Date(end).toISOString() }),
    });
    const { id } = (await started.json()) as { id: string };
    type Export = { phase: string; result: { agents: { agentName: string }[]; statuses: string[] } | null };
    const read = async () => (await fetch(`${board.url}/api/reports/${id}`)).json() as Promise<Export>;
    await until(read, (exported) => exported.phase === 'pending');
    await fetch(`${board.url}/api/sandbox/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds: 60 }),
    });
    // The export polls the report once a second (real time), then downloads 28 days of rows.
    const done = await until(read, (exported) => exported.phase === 'completed' || exported.phase === 'failed', 600);

    expect(done.phase).toBe('completed');
    expect(done.result?.agents).toHaveLength(55);
    expect(done.result?.statuses).toEqual(expect.arrayContaining(['Lunch', 'Break', 'Meeting', 'Tea break']));
  });
});

describe('pointed at an account as at the real Freshchat (here: the sandbox, through /v2 only)', () => {
  let board: DemoServer;

  beforeAll(async () => {
    board = await startDemoServer({
      port: 0,
      freshchat: { baseUrl: `${sandbox.url}/v2`, token: 'sandbox-token' },
      log: () => {},
    });
  });

  afterAll(async () => {
    await board?.stop();
  });

  test('hides the sandbox controls and says that webhooks need a public URL', async () => {
    const current = await state(board);
    expect(current.mode).toBe('freshchat');
    expect(current.webhooks.live).toBe(false);
    expect(current.webhooks.note).toContain('public URL');
    const clock = await fetch(`${board.url}/api/sandbox/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds: 60 }),
    });
    expect(clock.status).toBe(404);
  });

  test('without webhooks, applies the PATCH answer; built-in statuses go by availability', async () => {
    const answer = await fetch(`${board.url}/api/agents/${JOHN_DOE}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ statusKey: 'availability:AVAILABLE' }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ viaWebhook: false });
    const current = await state(board);
    expect(john(current)?.statusName).toBe('Active on IntelliAssign');
  });
});
