import { beforeEach, describe } from 'vitest';
import { type ContractTarget, describeTarget } from '../target.js';
import { agentStatusUpdateChecks } from './agent-status-update.js';
import { agentStatusChecks } from './agent-statuses.js';
import { agentChecks } from './agents.js';
import { authChecks } from './auth.js';
import { controlClient, ok } from './context.js';
import { controlApiChecks } from './control-api.js';
import { faultChecks } from './faults.js';
import { reportChecks } from './reports.js';
import { requestBodyChecks } from './request-bodies.js';

/**
 * Registers the whole contract suite against one target, inside a `describe` named after it. On the sandbox every
 * check starts from the seed (`POST /_mock/reset`); on a real account only the read-only and reversible checks run,
 * and the rest are reported as skipped with the reason in their title.
 *
 * @example
 * // contract.test.ts
 * registerContractSuite({ baseUrl: 'https://mercasto.freshchat.com/v2', token: process.env.FRESHCHAT_TOKEN, sandbox: false });
 */
export function registerContractSuite(target: ContractTarget): void {
  describe(`Freshchat contract: ${describeTarget(target)}`, () => {
    if (target.sandbox) {
      beforeEach(async () => {
        ok(await controlClient(target).POST('/_mock/reset'), 'reset the sandbox');
      });
    }
    agentStatusChecks(target);
    agentChecks(target);
    agentStatusUpdateChecks(target);
    reportChecks(target);
    authChecks(target);
    requestBodyChecks(target);
    faultChecks(target);
    controlApiChecks(target);
  });
}
