/**
 * Every published entry point, used as a consumer would: type-checked under `module: nodenext` and under
 * `moduleResolution: bundler` (no DOM lib, `skipLibCheck: false`), then run with Node from tsc's output.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createControlClient, createFreshchatClient, type FreshchatClient } from '@freshchat-sandbox/client';
import type { ContractTarget } from '@freshchat-sandbox/contract-tests';
import { createMockServer, SANDBOX_TOKEN } from '@freshchat-sandbox/mock-server';
import { compileValidators } from '@freshchat-sandbox/openapi/compile-validators';
import { fieldPath } from '@freshchat-sandbox/openapi/field-path';
import type { components } from '@freshchat-sandbox/openapi/types/freshchat';
import type { paths as ControlPaths } from '@freshchat-sandbox/openapi/types/mock-control';
import { receiveWebhook, SIGNATURE_HEADER } from '@freshchat-sandbox/webhook-types';

const mock = createMockServer();
const inProcess = { token: SANDBOX_TOKEN, fetch: (request: Request) => mock.app.fetch(request) };
const freshchat: FreshchatClient = createFreshchatClient({
  ...inProcess,
  baseUrl: 'http://sandbox.test/v2',
  headers: { 'X-Consumer': 'smoke' },
});
const control = createControlClient({ ...inProcess, baseUrl: 'http://sandbox.test' });

const statuses = await freshchat.GET('/agents/status');
assert.equal(statuses.response.status, 200);
assert.ok(statuses.data && statuses.data.states.length > 0, 'the seeded custom statuses');
// The client's types are the openapi package's, not a copy of them.
const states: components['schemas']['AgentStatusList']['states'] = statuses.data.states;
const advance = '/_mock/clock/advance' satisfies keyof ControlPaths;
const advanced = await control.POST(advance, { body: { seconds: 60 } });
assert.equal(advanced.response.status, 200);

const unsigned = await receiveWebhook(new Request('http://receiver.test/hook', { method: 'POST', body: '{}' }), {
  publicKey: '-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----',
});
assert.equal(unsigned.ok, false, `a request without ${SIGNATURE_HEADER} is rejected`);

assert.equal(fieldPath(`/states/${states.length - 1}/name`), `states[${states.length - 1}].name`);

const source = compileValidators({ documents: ['freshchat.yaml'], webhooks: true });
assert.match(source, /export const webhookValidators/);
const require = createRequire(import.meta.url);
for (const document of ['freshchat.yaml', 'mock-control.yaml']) {
  assert.ok(require.resolve(`@freshchat-sandbox/openapi/${document}`).endsWith(document));
}

const target: ContractTarget = { baseUrl: 'http://127.0.0.1:4010/v2', token: SANDBOX_TOKEN, sandbox: true };
console.log(`consumer: every entry point loaded and answered (contract target ${target.baseUrl})`);
