/**
 * Reproducible by construction: two fresh sandboxes, each the built CLI started with `--frozen-clock --clock-start T
 * --id-seed N` on the same port, given the same requests over HTTP, answer byte for byte the same: bodies, `Date`
 * headers, ids, report zips, webhook bodies and signatures, and the journal apart from its measured durations.
 */

import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, ensureBuiltCli, startCli } from './robustness/testing/cli-process.js';
import { startReceiver, type WebhookReceiver } from './robustness/testing/webhook-receiver.js';
import { IDS, TOKEN } from './testing/sandbox-harness.js';

const CLOCK_START = '2030-01-01T09:00:00.000Z';
const FLAGS = ['--frozen-clock', '--clock-start', CLOCK_START, '--id-seed', '20301', '--quiet'];

/** One answer as it came off the wire: status, the headers that carry meaning, and the body's bytes in base64. */
type Exchange = { request: string; status: number; headers: Record<string, string>; body: string };
/** Everything one run saw, and the port it was served on. */
type Transcript = {
  port: number;
  exchanges: Exchange[];
  webhooks: { headers: Record<string, string>; body: string }[];
};

/** Connection-level headers say how the bytes travelled, not what the sandbox answered. */
const TRANSPORT = new Set(['connection', 'keep-alive', 'transfer-encoding']);
/** Fields that measure real time, the one thing a frozen sandbox cannot repeat. */
// Also inside the journal's response bodies, where the quotes are escaped.
const MEASURED = /(\\?"duration_ms\\?":)[\d.]+/g;

/** Runs the scripted session against a fresh CLI on `port` (0: a free one), and stops it. */
async function session(port: number, receiver: WebhookReceiver): Promise<Transcript> {
  receiver.deliveries.length = 0;
  const cli: CliProcess = await startCli(['--port', String(port), ...FLAGS]);
  const exchanges: Exchange[] = [];
  const call = async (method: string, path: string, body?: unknown, token: string | null = TOKEN) => {
    const url = path.startsWith('http') ? path : `${cli.url}${path}`;
    const response = await fetch(url, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!TRANSPORT.has(name)) headers[name] = value;
    });
    const raw = bytes.toString('utf8');
    const text = raw.replace(MEASURED, '$10');
    // A measured duration's digits change the length too.
    if (text !== raw) delete headers['content-length'];
    const isZip = headers['content-type'] === 'application/octet-stream';
    exchanges.push({
      request: `${method} ${url.replace(cli.url, '')}`,
      status: response.status,
      headers,
      body: isZip ? bytes.toString('base64') : text,
    });
    const isJson = headers['content-type']?.startsWith('application/json') ?? false;
    return { status: response.status, json: isJson ? (JSON.parse(text) as unknown) : undefined };
  };
  const webhooks = async (count: number) => {
    while (receiver.deliveries.length < count) await receiver.nextDelivery();
  };
  try {
    await call('GET', '/v2/agents/status');
    await call('POST', '/_mock/webhooks', { url: receiver.url });
    await call('GET', '/_mock/webhooks/public-key');
    await call('PATCH', `/v2/agents/${IDS.john}`, { agent_status: { id: IDS.meeting } });
    await webhooks(1);
    const created = await call('POST', '/_mock/statuses', { name: 'On a call', emoji: '📞' });
    await call('POST', '/_mock/clock/advance', { seconds: 600 });
    const onCall = (created.json as { id: string }).id;
    await call('POST', `/_mock/agents/${IDS.matt}/status`, { agent_status: { id: onCall } });
    await webhooks(2);
    await call('POST', '/_mock/clock', { now: '2030-01-01T10:00:00Z' });
    await call('POST', '/_mock/faults', { type: 'report_split' });
    const report = await call('POST', '/v2/reports/raw', {
      start: '2029-12-31T00:00:00Z',
      end: '2030-01-01T10:00:00Z',
      event: 'Agent-IntelliAssign-Activity',
      format: 'csv',
    });
    const reportId = (report.json as { id: string }).id;
    await call('GET', `/v2/reports/raw/${reportId}`);
    await call('POST', '/_mock/clock/advance', { seconds: 30 });
    const completed = await call('GET', `/v2/reports/raw/${reportId}`);
    for (const part of (completed.json as { links: { link: { href: string } }[] }).links) {
      await call('GET', part.link.href, undefined, null);
    }
    await call('POST', '/_mock/accounts', {});
    await call('POST', '/_mock/faults', { type: 'report_failure' });
    await call('GET', '/_mock/webhooks/deliveries');
    await call('GET', '/_mock/requests');
    await call('GET', '/v2/agents?items_per_page=2&page=2');
  } finally {
    cli.child.kill('SIGTERM');
    await cli.exited;
  }
  const webhookHeaders = ['x-freshchat-signature', 'x-sandbox-event-id', 'x-retry-count', 'content-type'];
  return {
    port: Number(new URL(cli.url).port),
    exchanges,
    webhooks: receiver.deliveries.map((d) => ({
      headers: Object.fromEntries(webhookHeaders.map((h) => [h, String(d.headers[h])])),
      body: d.body,
    })),
  };
}

describe('the same flags and the same requests give byte-identical answers', () => {
  let receiver: WebhookReceiver;
  let first: Transcript;
  let second: Transcript;

  beforeAll(async () => {
    await ensureBuiltCli();
    receiver = await startReceiver();
    // The second run on the first one's port: report links are absolute URLs, and must repeat too.
    first = await session(0, receiver);
    second = await session(first.port, receiver);
  }, 240_000);

  afterAll(async () => {
    await receiver?.close();
  });

  it('answers every request the same, Date headers, ids, links and zips included', () => {
    expect(second.exchanges.map((e) => e.request)).toEqual(first.exchanges.map((e) => e.request));
    for (const [i, exchange] of first.exchanges.entries())
      expect(second.exchanges[i], exchange.request).toEqual(exchange);
  });

  it('sends the same webhook bodies with the same signatures and event ids', () => {
    expect(first.webhooks).toHaveLength(2);
    expect(second.webhooks).toEqual(first.webhooks);
  });

  it('reads the frozen clock everywhere: Date headers, action_time, zip entries', () => {
    const byRequest = (prefix: string) => first.exchanges.filter((e) => e.request.startsWith(prefix));
    expect(first.exchanges[0]?.headers.date).toBe('Tue, 01 Jan 2030 09:00:00 GMT');
    expect(byRequest('POST /v2/reports/raw')[0]?.headers.date).toBe('Tue, 01 Jan 2030 10:00:00 GMT');
    const events = first.webhooks.map((w) => JSON.parse(w.body) as { action_time: string });
    expect(events.map((e) => e.action_time)).toEqual(['2030-01-01T09:00:00.000Z', '2030-01-01T09:10:00.000Z']);
    const zips = byRequest('GET /_storage/');
    expect(zips).toHaveLength(2); // 31 December and 1 January
    expect(zips.every((z) => z.status === 200 && z.headers.date === 'Tue, 01 Jan 2030 10:00:30 GMT')).toBe(true);
  });

  it("signs with the default account's documented key, so a receiver checks the signature as it would live", () => {
    const pem = first.exchanges.find((e) => e.request === 'GET /_mock/webhooks/public-key')?.body as string;
    for (const webhook of first.webhooks) {
      const signature = Buffer.from(webhook.headers['x-freshchat-signature'] as string, 'base64');
      expect(verify('sha256', Buffer.from(webhook.body), createPublicKey(pem), signature)).toBe(true);
    }
  });
});
