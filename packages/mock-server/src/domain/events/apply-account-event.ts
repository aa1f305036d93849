import type { Account } from '../accounts/account.js';
import type { SandboxEvent } from './sandbox-event.js';

/** The events that concern one account, and only it. */
export type AccountEvent = Extract<SandboxEvent, { app: string }>;

/**
 * Applies an event to its account. Like `Sandbox.apply`, it reads no clock and draws no id: the event carries them.
 * (`reportRequested` also touches the sandbox's index of reports, so `Sandbox.apply` handles it.)
 */
export function applyAccountEvent(account: Account, event: Exclude<AccountEvent, { type: 'reportRequested' }>): void {
  switch (event.type) {
    case 'statusChanged':
      account.history.record(event);
      break;
    case 'statusChanges':
      account.history.append(event.changes);
      break;
    case 'agentHired':
      account.agents.put(event);
      break;
    case 'agentLoggedIn':
    case 'agentLoggedOut':
      account.agents.setLoginStatus(event.agentId, event.type === 'agentLoggedIn');
      break;
    case 'statusCreated':
      account.statuses.put(event.status);
      break;
    case 'statusRenamed':
      account.statuses.rename(event.statusId, event);
      break;
    case 'statusDeleted':
      account.statuses.remove(event.statusId);
      break;
    case 'subscriptionAdded':
      account.webhooks.put(event.subscription);
      break;
    case 'subscriptionRemoved':
      account.webhooks.remove(event.subscriptionId);
      break;
    case 'webhookKeyMade':
      account.webhooks.restoreKeyPair(event.privateKeyPem);
      break;
    case 'faultAdded':
      account.faults.put(event.fault);
      break;
    case 'faultUsed':
      account.faults.use(event.faultId);
      break;
    case 'faultRemoved':
      account.faults.remove(event.faultId);
      break;
    case 'faultsCleared':
      account.faults.clear();
      break;
    case 'historySimulated':
      account.applySimulation(event.request, event.at, event.agentIds);
      break;
    default:
      throw new Error(`no way to apply ${JSON.stringify((event as { type: unknown }).type)}`);
  }
}
