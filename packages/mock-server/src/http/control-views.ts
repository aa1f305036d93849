import type { components as ControlComponents } from '@freshchat-sandbox/openapi/types/mock-control';
import type { JournalEntry } from '../domain/accounts/request-journal.js';
import type { VirtualClock } from '../domain/clock/virtual-clock.js';
import type { WebhookSubscription } from '../domain/webhooks/webhook-subscriptions.js';

type Schemas = ControlComponents['schemas'];

const iso = (ms: number) => new Date(ms).toISOString();

/** The clock as the control API shows it: `{now, frozen}`. */
export function clockView(clock: VirtualClock): Schemas['Clock'] {
  return { now: clock.date().toISOString(), frozen: clock.frozen };
}

/** A webhook subscription as the control API shows it. */
export function subscriptionView(subscription: WebhookSubscription): Schemas['WebhookSubscription'] {
  return { id: subscription.id, url: subscription.url, created_at: iso(subscription.createdAt) };
}

/** A journal entry as the control API shows it, its time in ISO-8601. */
export function journalEntryView(entry: JournalEntry): Schemas['JournalEntry'] {
  return { ...entry, at: iso(entry.at) };
}
