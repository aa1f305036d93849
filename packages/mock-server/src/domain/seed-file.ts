import { fieldPath } from '@freshchat-sandbox/openapi/field-path';
import { seedFileValidator } from '../generated/validators.js';
import type { AgentRoutingType } from './agents/agent-roster.js';
import type { BuiltInStatusIds } from './agents/agent-status.js';
import { DomainError } from './domain-error.js';
import type { SimulationRequest } from './simulation/simulation-window.js';

/** An account's starting data, as a seed file or `POST /_mock/accounts` gives it. */
export type AccountSeed = {
  token?: string | undefined;
  app_id?: string | undefined;
  admin_id?: string | undefined;
  /** The ids of the two built-in statuses; new ones (random, or from the id seed) when left out. */
  built_in_status_ids?: BuiltInStatusIds | undefined;
  statuses?: { id?: string | undefined; name: string; emoji?: string | undefined }[] | undefined;
  agents?:
    | {
        id?: string | undefined;
        first_name: string;
        last_name: string;
        email?: string | undefined;
        agent_status_id?: string | undefined;
        since?: string | undefined;
        is_deactivated?: boolean | undefined;
        login_status?: boolean | undefined;
        routing_type?: AgentRoutingType | undefined;
        groups?: string[] | undefined;
      }[]
    | undefined;
  /** The RSA private key (PEM) that signs the account's webhooks; made on first use when left out. */
  webhook_private_key?: string | undefined;
  simulate?: SimulationRequest | undefined;
};

/** A seed file: the accounts the sandbox starts with, and returns to on reset. The first is the default. */
export type SeedFile = { accounts: AccountSeed[] };

/** Checks a seed against the control API's `SeedFile` schema, naming the offending field. */
export function checkSeedFile(seed: unknown): SeedFile {
  if (!seedFileValidator(seed)) {
    const error = seedFileValidator.errors?.[0];
    const field = fieldPath(error?.instancePath ?? '') || 'seed';
    throw new DomainError('invalid', 'INVALID_SEED', `${field}: ${error?.message ?? 'invalid'}`);
  }
  return seed as SeedFile;
}

/** The built-in status ids every account had before they became per account (a migrated data folder keeps them). */
export const SHARED_BUILT_IN_IDS = {
  active: '00000000-0000-4000-8000-000000000001',
  unavailable: '00000000-0000-4000-8000-000000000002',
};

/**
 * The seed with every account's built-in status ids settled: a seed file's own, else ids derived from the sandbox's
 * secret (random, from the id seed, or kept by a durable sandbox), so each account has ids of its own that stay the
 * same across resets and restarts.
 */
export function withBuiltInIds(seed: SeedFile, idOf: (account: number, role: BuiltInRole) => string): SeedFile {
  return {
    accounts: seed.accounts.map((account, i) => ({
      ...account,
      built_in_status_ids: account.built_in_status_ids ?? {
        active: idOf(i, 'active'),
        unavailable: idOf(i, 'unavailable'),
      },
    })),
  };
}

/** Which of the two built-in statuses. */
export type BuiltInRole = keyof typeof SHARED_BUILT_IN_IDS;

/** The names the ids are derived from (as earlier versions derived them, so a seeded sandbox keeps its ids). */
export const ROLE_NAMES: Record<BuiltInRole, string> = {
  active: 'Active on IntelliAssign',
  unavailable: 'Unavailable',
};
