import { describe, expect, it } from 'vitest';
import type { ContractTarget } from '../target.js';
import { controlClient, controlSenders, expectError, freshchatClient, ok, SANDBOX_ONLY } from './context.js';

/**
 * Registers the control API's checks of the request journal (sandbox only).
 *
 * @example
 * describe('sandbox', () => controlJournalChecks({ baseUrl, token, sandbox: true, control: { origin } }));
 */
export function controlJournalChecks(target: ContractTarget): void {
  const sandboxIt = it.skipIf(!target.sandbox);
  const { get } = controlSenders(target);

  describe('control API: request journal', () => {
    sandboxIt(`200: the last requests, newest last; 400: a limit below 1 ${SANDBOX_ONLY}`, async () => {
      ok(await freshchatClient(target).GET('/agents/status'), 'list statuses');
      const { requests } = ok(
        await controlClient(target).GET('/_mock/requests', { params: { query: { limit: 1 } } }),
        'journal',
      );
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({
        method: 'GET',
        path: '/v2/agents/status',
        operation: 'listAgentStatuses',
        status: 200,
      });
      await expectError(await get('/_mock/requests?limit=0'), 400, { field: 'limit' });
    });
  });
}
