/**
 * Runs the receiver against a sandbox that is already running (`npx -y pnpm@10 start` at the repository's root):
 * fetches the account's public key, listens on 127.0.0.1:3000 and subscribes itself. Change an agent's status and
 * watch the verified events arrive.
 */
import { createControlClient } from '@freshchat-sandbox/client';
import { createReceiver } from './receiver.js';

const sandbox = process.env.FRESHCHAT_SANDBOX_URL || 'http://127.0.0.1:4010';
const token = process.env.FRESHCHAT_TOKEN || 'sandbox-token';
const port = Number(process.env.RECEIVER_PORT || 3000);

const control = createControlClient({ baseUrl: sandbox, token });
const publicKey = await fetch(`${sandbox}/_mock/webhooks/public-key`, {
  headers: { Authorization: `Bearer ${token}` },
}).then((answer) => answer.text());

const server = createReceiver({
  publicKey,
  onStatusChange: (event) => {
    const { agent_id, status, metadata } = event.data.agent_availability;
    console.log(`${event.action_time} ${agent_id} is ${status} (${metadata.agent_status.name})`);
  },
});
server.listen(port, '127.0.0.1', async () => {
  const { error } = await control.POST('/_mock/webhooks', { body: { url: `http://127.0.0.1:${port}/` } });
  if (error) throw new Error(`subscribing failed: ${error.message}`);
  console.log(`receiving ${sandbox}'s webhooks on http://127.0.0.1:${port}/`);
});
