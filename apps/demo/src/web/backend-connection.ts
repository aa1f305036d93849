import {
  type ControlClient,
  createControlClient,
  createFreshchatClient,
  type FreshchatClient,
} from '@freshchat-sandbox/client';
import { dataOf } from '../freshchat-calls.js';

/** The token of the sandbox's seeded account. */
const SANDBOX_TOKEN = 'sandbox-token';

/** What a board talks to: its own in-process sandbox (neither set), a running sandbox, or a real account. */
export type BackendTarget = {
  /**
   * A sandbox that is already running (e.g. `npx -y pnpm@10 start`, or `listen({ port: 0 })` in a test) to talk to
   * instead of starting one in-process. `token` defaults to `sandbox-token`. `adminToken` is the sandbox's
   * `--admin-token`, which moving its clock needs when one is set; without it, `token` moves the clock.
   */
  sandbox?: { url: string; token?: string; adminToken?: string };
  /**
   * A real Freshchat account to talk to instead of a sandbox. The clock and status management are then hidden.
   * Webhooks reach the board only through a public URL set in Freshchat's webhook settings; without
   * `webhookPublicKey` (the key shown there) deliveries cannot be verified and are refused.
   */
  freshchat?: { baseUrl: string; token: string; webhookPublicKey?: string; publicUrl?: string };
};

/** The clients of a connected backend, and what the board needs to know about where they point. */
export type Connection = {
  mode: 'sandbox' | 'freshchat';
  freshchat: FreshchatClient;
  /** The sandbox's control API; `undefined` against a real account. */
  control: ControlClient | undefined;
  /** The control API with the admin token, for the sandbox-wide operations (its clock); `undefined` likewise. */
  adminControl: ControlClient | undefined;
  apiUrl: string;
  sandboxUrl: string | undefined;
  /** The key webhook deliveries are verified with; `undefined` when there is none. */
  publicKey: string | undefined;
  publicUrl: string | undefined;
  stopSandbox: (() => Promise<void>) | undefined;
};

/**
 * Connects to what `target` names: a real account, a running sandbox, or a sandbox started here in-process on a free
 * port of 127.0.0.1. Against a sandbox it reads the key its webhooks are signed with.
 *
 * @example
 * const connection = await connect({ sandbox: { url: 'http://127.0.0.1:4010' } });
 * await connection.stopSandbox?.();
 */
export async function connect(target: BackendTarget): Promise<Connection> {
  if (target.freshchat) {
    const { baseUrl, token, webhookPublicKey, publicUrl } = target.freshchat;
    return {
      mode: 'freshchat',
      freshchat: createFreshchatClient({ baseUrl, token }),
      control: undefined,
      adminControl: undefined,
      apiUrl: baseUrl,
      sandboxUrl: undefined,
      publicKey: webhookPublicKey,
      publicUrl,
      stopSandbox: undefined,
    };
  }
  let sandboxUrl: string;
  let token: string;
  let adminToken: string | undefined;
  let stopSandbox: (() => Promise<void>) | undefined;
  if (target.sandbox) {
    sandboxUrl = target.sandbox.url.replace(/\/$/, '');
    token = target.sandbox.token ?? SANDBOX_TOKEN;
    adminToken = target.sandbox.adminToken;
  } else {
    // Loaded only here: a board pointed at a real account does not need the mock server installed.
    const { listen } = await import('@freshchat-sandbox/mock-server');
    const sandbox = await listen({ port: 0, host: '127.0.0.1' });
    sandboxUrl = sandbox.url;
    token = SANDBOX_TOKEN;
    stopSandbox = () => sandbox.stop();
  }
  const control = createControlClient({ baseUrl: sandboxUrl, token });
  const adminControl =
    adminToken === undefined ? control : createControlClient({ baseUrl: sandboxUrl, token: adminToken });
  const publicKey = dataOf(await control.GET('/_mock/webhooks/public-key', { parseAs: 'text' }));
  return {
    mode: 'sandbox',
    freshchat: createFreshchatClient({ baseUrl: `${sandboxUrl}/v2`, token }),
    control,
    adminControl,
    apiUrl: `${sandboxUrl}/v2`,
    sandboxUrl,
    publicKey,
    publicUrl: undefined,
    stopSandbox,
  };
}
