import type { FetchLike } from '@freshchat-sandbox/client';

/**
 * What the contract suite runs against: the sandbox (local or remote) or a real Freshchat account.
 *
 * @example
 * // A real account: only read-only and reversible checks run
 * const target: ContractTarget = { baseUrl: 'https://mercasto.freshchat.com/v2', token, sandbox: false };
 * @example
 * // The sandbox: every check, the control API's included
 * const target: ContractTarget = {
 *   baseUrl: 'http://127.0.0.1:4010/v2',
 *   token: 'sandbox-token',
 *   sandbox: true,
 *   control: { origin: 'http://127.0.0.1:4010' },
 * };
 */
export interface ContractTarget {
  /** The Freshchat API's base URL: every path of freshchat.yaml is appended to it (`…/v2` for the real API). */
  baseUrl: string;
  /** The account's API token. */
  token: string;
  /** Whether the target is the sandbox; sandbox-only checks (clock, reset, faults, control API) are skipped if not. */
  sandbox: boolean;
  /** The sandbox's control API and storage links; required when `sandbox` is true. */
  control?: SandboxControl | undefined;
  /** Sends every request to the Freshchat API (default `globalThis.fetch`): wrap it to record or check answers. */
  fetch?: FetchLike | undefined;
  /**
   * On a real account, the agent whose status the suite may change (and restores after each check). Without it, the
   * checks that change an agent's status are skipped on a real account. Ignored by the sandbox, which is reset.
   */
  agentId?: string | undefined;
}

/** Where the sandbox's control API (`/_mock`) and its storage links (`/_storage`) are answered. */
export interface SandboxControl {
  /** The sandbox's origin, such as `http://127.0.0.1:4010`. */
  origin: string;
  /** Sends every control and storage request (default `globalThis.fetch`). */
  fetch?: FetchLike | undefined;
}

/** A short description of a target for test titles: `sandbox at http://…` or `real account at https://…`. */
export function describeTarget(target: ContractTarget): string {
  return `${target.sandbox ? 'sandbox' : 'real account'} at ${target.baseUrl}`;
}

/**
 * Whether a Freshchat base URL is answered by the sandbox: `GET <origin>/_mock/clock` with the token answers 200 with
 * `{ now }`. The real API has no such path.
 */
export async function isSandbox(baseUrl: string, token: string, fetch: FetchLike = globalThis.fetch): Promise<boolean> {
  try {
    const response = await fetch(
      new Request(`${new URL(baseUrl).origin}/_mock/clock`, {
        headers: { Authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(10_000),
      }),
    );
    if (response.status !== 200) {
      await response.body?.cancel();
      return false;
    }
    const body = (await response.json().catch(() => undefined)) as { now?: unknown } | undefined;
    return typeof body?.now === 'string';
  } catch {
    return false;
  }
}
