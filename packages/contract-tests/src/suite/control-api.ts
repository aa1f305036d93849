import type { ContractTarget } from '../target.js';
import { controlAccountChecks } from './control-accounts.js';
import { controlAgentChecks } from './control-agents.js';
import { controlClockChecks } from './control-clock.js';
import { controlJournalChecks } from './control-journal.js';
import { controlReportChecks } from './control-reports.js';
import { controlStatusChecks } from './control-statuses.js';
import { controlWebhookChecks } from './control-webhooks.js';

/**
 * Registers the checks of the sandbox's control API (`/_mock`, described by mock-control.yaml): reset, the clock,
 * accounts, statuses, agents, webhooks and the request journal. All of them are sandbox only. Each resource's checks
 * live in their own module beside this one; this keeps their order.
 *
 * @example
 * describe('sandbox', () => controlApiChecks({ baseUrl, token, sandbox: true, control: { origin } }));
 */
export function controlApiChecks(target: ContractTarget): void {
  controlClockChecks(target);
  controlAccountChecks(target);
  controlStatusChecks(target);
  controlAgentChecks(target);
  controlWebhookChecks(target);
  controlReportChecks(target);
  controlJournalChecks(target);
}
