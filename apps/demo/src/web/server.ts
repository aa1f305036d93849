/**
 * `npx -y pnpm@10 demo:web`: the supervisor's live agent-status board on http://127.0.0.1:5173 (`PORT` changes the
 * port, `HOST` the interface).
 *
 * With no settings it starts its own sandbox in-process. With `FRESHCHAT_BASE_URL` (up to and including `/v2`) and
 * `FRESHCHAT_TOKEN` it talks to that real Freshchat account instead; `FRESHCHAT_WEBHOOK_PUBLIC_KEY` (the key from
 * Freshchat's webhook settings) lets it verify deliveries, and `DEMO_PUBLIC_URL` is the public URL Freshchat reaches
 * it on (only shown on the page). `SANDBOX_URL` (and `SANDBOX_TOKEN`) use a sandbox that is already running;
 * `SANDBOX_ADMIN_TOKEN` is its `--admin-token`, if it has one, which the clock buttons need.
 */
import { parseArgs } from 'node:util';
import { startDemoServer } from './demo-server.js';

const env = process.env;
const port = env.PORT === undefined || env.PORT === '' ? 5173 : Number(env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not "${env.PORT}"`);
  process.exit(1);
}

// `--allowed-host name` (repeated, or a comma list): more names the board answers as its Host.
let allowedHosts: string[];
try {
  const { values } = parseArgs({ options: { 'allowed-host': { type: 'string', multiple: true } }, strict: true });
  allowedHosts = (values['allowed-host'] ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const realAccount = env.FRESHCHAT_BASE_URL && env.FRESHCHAT_TOKEN;
if (Boolean(env.FRESHCHAT_BASE_URL) !== Boolean(env.FRESHCHAT_TOKEN)) {
  console.error('Set both FRESHCHAT_BASE_URL and FRESHCHAT_TOKEN to use a real account, or neither for the sandbox.');
  process.exit(1);
}

try {
  const board = await startDemoServer({
    port,
    host: env.HOST || '127.0.0.1',
    allowedHosts,
    ...(realAccount
      ? {
          freshchat: {
            baseUrl: env.FRESHCHAT_BASE_URL as string,
            token: env.FRESHCHAT_TOKEN as string,
            ...(env.FRESHCHAT_WEBHOOK_PUBLIC_KEY && {
              webhookPublicKey: env.FRESHCHAT_WEBHOOK_PUBLIC_KEY.replaceAll('\\n', '\n'),
            }),
            ...(env.DEMO_PUBLIC_URL && { publicUrl: env.DEMO_PUBLIC_URL }),
          },
        }
      : env.SANDBOX_URL
        ? {
            sandbox: {
              url: env.SANDBOX_URL,
              ...(env.SANDBOX_TOKEN && { token: env.SANDBOX_TOKEN }),
              ...(env.SANDBOX_ADMIN_TOKEN && { adminToken: env.SANDBOX_ADMIN_TOKEN }),
            },
          }
        : {}),
  });
  const against =
    board.mode === 'sandbox' ? `the sandbox at ${board.sandboxUrl}` : `Freshchat at ${env.FRESHCHAT_BASE_URL}`;
  console.log(`Agent-status board on ${board.url} (talking to ${against}). Ctrl+C stops it.`);
  const shutdown = () => {
    board.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  console.error(`The board could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
