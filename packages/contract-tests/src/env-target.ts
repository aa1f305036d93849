import { listen } from '@freshchat-sandbox/mock-server';
import { type ContractTarget, isSandbox } from './target.js';

/** The target the environment names, and how to let go of what was started for it. */
export type EnvTarget = { target: ContractTarget; stop(): Promise<void> };

/**
 * The target of `pnpm test:contract`, from the environment:
 *
 * - `FRESHCHAT_BASE_URL` unset or empty: a fresh local sandbox on a free port (token `sandbox-token`).
 * - `FRESHCHAT_BASE_URL` (up to `/v2`) and `FRESHCHAT_TOKEN`: that server. It is the sandbox when
 *   `GET <origin>/_mock/clock` answers 200 with the token; otherwise a real account.
 * - `FRESHCHAT_AGENT_ID` (real accounts): the agent whose status the suite may change, then restore.
 *
 * @example
 * const { target, stop } = await contractTargetFromEnv();
 * registerContractSuite(target);
 * afterAll(stop);
 */
export async function contractTargetFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<EnvTarget> {
  const baseUrl = env.FRESHCHAT_BASE_URL?.trim().replace(/\/+$/, '');
  const agentId = env.FRESHCHAT_AGENT_ID?.trim() || undefined;
  if (!baseUrl) {
    const sandbox = await listen({ port: 0 });
    return {
      target: {
        baseUrl: `${sandbox.url}/v2`,
        token: env.FRESHCHAT_TOKEN?.trim() || 'sandbox-token',
        sandbox: true,
        control: { origin: sandbox.url },
      },
      stop: () => sandbox.stop(),
    };
  }
  const token = env.FRESHCHAT_TOKEN?.trim();
  if (!token) throw new Error('FRESHCHAT_TOKEN is required when FRESHCHAT_BASE_URL is set');
  new URL(baseUrl); // throws on a malformed URL, before any test runs
  const sandbox = await isSandbox(baseUrl, token);
  return {
    target: { baseUrl, token, sandbox, control: sandbox ? { origin: new URL(baseUrl).origin } : undefined, agentId },
    stop: async () => {},
  };
}
