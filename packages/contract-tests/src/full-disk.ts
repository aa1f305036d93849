import { ftruncateSync, mkdtempSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDurableMockServer } from '@freshchat-sandbox/mock-server';
import { documentCheckedFetch } from './checked-fetch.js';
import type { ResponseLedger } from './response-ledger.js';

const ORIGIN = 'http://sandbox.local';
const TOKEN = 'sandbox-token';

/** A control request and the status it must get. */
type Sent = { operation: string; status: number };

/**
 * Sends every control operation that changes state to a durable sandbox whose data folder stops taking writes (each
 * append fails with ENOSPC, as a full disk does), through the ledger's AJV check of mock-control.yaml, and returns
 * what each got: the 503 `StorageUnavailable` answer the document declares, which the CI sandbox (in memory) can
 * never give. What it needs (a status, an agent, a subscription, a fault) is made before the disk fills.
 */
export async function sendOnFullDisk(ledger: ResponseLedger): Promise<Sent[]> {
  const dir = mkdtempSync(join(tmpdir(), 'contract-full-disk-'));
  let full = false;
  const mock = await openDurableMockServer({
    dataDir: dir,
    writer: {
      write: (fd, bytes, offset, length) => {
        if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return writeSync(fd, bytes, offset, length);
      },
      truncate: (fd, length) => ftruncateSync(fd, length),
      fsync: () => {},
    },
  });
  const checked = documentCheckedFetch({
    document: 'mock-control.yaml',
    baseUrl: ORIGIN,
    ledger,
    fetch: (request) => mock.app.fetch(request),
  });
  const send = async (method: string, path: string, body?: unknown, token = TOKEN) => {
    const response = await checked(
      new Request(`${ORIGIN}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    // What the requests below read of an answer: a made thing's id, a new account's token.
    const json = (response.headers.get('content-type')?.includes('json') ? await response.json() : {}) as {
      id?: string;
      token?: string;
    };
    return { status: response.status, json };
  };
  try {
    const status = (await send('POST', '/_mock/statuses', { name: 'Before the disk filled' })).json;
    const agent = (await send('POST', '/_mock/agents', { first_name: 'Full', last_name: 'Disk' })).json;
    const subscription = (await send('POST', '/_mock/webhooks', { url: 'http://127.0.0.1:9/hook' })).json;
    const fault = (await send('POST', '/_mock/faults', { type: 'report_failure' })).json;
    // Accounts that have not signed anything yet: their first signing key is made on first use, and kept, so a
    // trigger or a public-key read is a change of state like any other.
    const unsigned = [
      (await send('POST', '/_mock/accounts', {})).json.token,
      (await send('POST', '/_mock/accounts', {})).json.token,
    ];
    full = true;
    const requests: [string, string, string, unknown?, string?][] = [
      ['resetSandbox', 'POST', '/_mock/reset'],
      ['setClock', 'POST', '/_mock/clock', { frozen: true }],
      ['advanceClock', 'POST', '/_mock/clock/advance', { seconds: 1 }],
      ['createAccount', 'POST', '/_mock/accounts', {}],
      ['createStatus', 'POST', '/_mock/statuses', { name: 'After the disk filled' }],
      ['updateStatus', 'PATCH', `/_mock/statuses/${status.id}`, { name: 'Renamed' }],
      ['deleteStatus', 'DELETE', `/_mock/statuses/${status.id}`],
      ['createAgent', 'POST', '/_mock/agents', { first_name: 'Never', last_name: 'Made' }],
      ['updateAgentLogin', 'PATCH', `/_mock/agents/${agent.id}`, { login_status: false }],
      ['setAgentStatusAsAgent', 'POST', `/_mock/agents/${agent.id}/status`, { availability_status: 'UNAVAILABLE' }],
      ['simulateHistory', 'POST', '/_mock/simulate', { agents: 1, days: 1, seed: 1 }],
      ['subscribeWebhook', 'POST', '/_mock/webhooks', { url: 'http://127.0.0.1:9/other' }],
      ['unsubscribeWebhook', 'DELETE', `/_mock/webhooks/${subscription.id}`],
      ['triggerWebhook', 'POST', '/_mock/webhooks/trigger', { action: 'message_create' }, unsigned[0]],
      ['getWebhookPublicKey', 'GET', '/_mock/webhooks/public-key', undefined, unsigned[1]],
      ['injectFault', 'POST', '/_mock/faults', { type: 'report_failure' }],
      ['removeFault', 'DELETE', `/_mock/faults/${fault.id}`],
      ['clearFaults', 'DELETE', '/_mock/faults'],
    ];
    const sent: Sent[] = [];
    for (const [operation, method, path, body, token] of requests) {
      sent.push({ operation, status: (await send(method, path, body, token)).status });
    }
    return sent;
  } finally {
    mock.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
