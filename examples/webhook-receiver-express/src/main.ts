/**
 * Runs the Express receiver against a sandbox that is already running (`npx -y pnpm@10 start` at the repository's
 * root): fetches the account's public key, listens on 127.0.0.1:3000 and subscribes its webhook route.
 */
import { createControlClient } from '@freshchat-sandbox/client';
import { createApp } from './app.js';

const sandbox = process.env.FRESHCHAT_SANDBOX_URL || 'http://127.0.0.1:4010';
const token = process.env.FRESHCHAT_TOKEN || 'sandbox-token';
const port = Number(process.env.RECEIVER_PORT || 3000);

const control = createControlClient({ baseUrl: sandbox, token });
const { data: publicKey, error } = await control.GET('/_mock/webhooks/public-key', { parseAs: 'text' });
if (error || publicKey === undefined) throw new Error(`no public key from ${sandbox}`);

const app = createApp({
  publicKey,
  onStatusChange: (event) => {
    const { agent_id, status, metadata } = event.data.agent_availability;
    console.log(`${event.action_time} ${agent_id} is ${status} (${metadata.agent_status.name})`);
  },
});
app.listen(port, '127.0.0.1', async () => {
  const url = `http://127.0.0.1:${port}/freshchat/webhook`;
  const subscribed = await control.POST('/_mock/webhooks', { body: { url } });
  if (subscribed.error) throw new Error(`subscribing failed: ${subscribed.error.message}`);
  console.log(`receiving ${sandbox}'s webhooks on ${url}`);
});
