import type { AccountSeed } from '../seed-file.js';
import { SANDBOX_WEBHOOK_PRIVATE_KEY } from '../webhooks/sandbox-webhook-key.js';

/** The token of the default account; the README names it. */
export const SANDBOX_TOKEN = 'sandbox-token';
/** The app id of the default account (the document's). */
export const SANDBOX_APP_ID = 'f18dcf5f-338b-421e-b329-3dfd39b068d0';
/** The id of the default account's admin, the actor of API status changes. */
export const SANDBOX_ADMIN_ID = '5b3c1f0e-7a52-4d6b-9c1e-2f4a8d9e0b71';

/**
 * The default seed: the document's examples. Its custom statuses carry the document's ids, and its agents the
 * document's ids and the report example's names.
 */
export const DEFAULT_SEED: { accounts: AccountSeed[] } = {
  accounts: [
    {
      token: SANDBOX_TOKEN,
      app_id: SANDBOX_APP_ID,
      admin_id: SANDBOX_ADMIN_ID,
      webhook_private_key: SANDBOX_WEBHOOK_PRIVATE_KEY,
      statuses: [
        { id: 'ccd63293-dd83-4369-a1e9-27aeabc4e62e', name: 'Lunch', emoji: '🍔' },
        { id: '0973d9a6-5a19-4f21-bed5-39ece50a9a77', name: 'Break', emoji: '☕' },
        { id: 'ea0ab820-e97c-47f5-8443-7bd362adc393', name: 'Meeting', emoji: '📅' },
        { id: 'd2ccfc02-19b7-4c13-ac9e-a5945be6af37', name: 'Knowledge training', emoji: '📚' },
        { id: '8e755ebf-6921-465d-b713-985a8ad13c04', name: 'Tea break', emoji: '🍵' },
      ],
      agents: [
        {
          id: 'afd5102c-5443-4fe3-a069-4fe25189a0a1',
          first_name: 'John',
          last_name: 'Doe',
          email: 'john.doe@example.com',
        },
        {
          id: '21fc58b1-9bbe-4891-af50-723576e8d1b3',
          first_name: 'Matt',
          last_name: 'Gibson',
          email: 'matt.gibson@example.com',
        },
        {
          id: 'f3d5cc97-0c87-4ae8-b37b-ecf615a851ec',
          first_name: 'Sarah',
          last_name: 'Jones',
          email: 'sarah.jones@example.com',
        },
        {
          id: '6c1e9a47-58b2-4f0d-93a4-0e7d2b5c8f16',
          first_name: 'Sebastian',
          last_name: 'Ric',
          email: 'sebastian.ric@example.com',
        },
      ],
    },
  ],
};
