import { describe, expect, it } from 'vitest';
import type { ContractTarget } from '../target.js';
import {
  controlClient,
  expectError,
  expectRetryAfter,
  ok,
  SANDBOX_ONLY,
  send,
  sendControl,
  UNKNOWN_ID,
} from './context.js';
import { FRESHCHAT_SAMPLES } from './sample-requests.js';

/**
 * Registers the fault-injection checks (sandbox only): an `error` fault on an operation replaces its next answer
 * with a 503, or a 429 carrying `Retry-After`; a `latency` fault delays it; faults can be listed and removed.
 *
 * @example
 * describe('sandbox', () => faultChecks({ baseUrl, token, sandbox: true, control: { origin } }));
 */
export function faultChecks(target: ContractTarget): void {
  const sandboxIt = it.skipIf(!target.sandbox);
  describe('injected faults', () => {
    for (const sample of FRESHCHAT_SAMPLES) {
      for (const status of [503, 429] as const) {
        sandboxIt(
          `${status}: an error fault on ${sample.operationId} replaces its next answer ${SANDBOX_ONLY}`,
          async () => {
            const control = controlClient(target);
            const fault = ok(
              await control.POST('/_mock/faults', {
                body: { type: 'error', operation: sample.operationId as never, status, count: 1 },
              }),
              'inject fault',
            );
            expect(fault).toMatchObject({ type: 'error', operation: sample.operationId, status, remaining: 1 });
            const response = await send(target, sample);
            if (status === 429) expectRetryAfter(response);
            await expectError(response, status);
            // Used up: the fault is gone, and the operation answers as before.
            const { faults } = ok(await control.GET('/_mock/faults'), 'list faults');
            expect(faults).toEqual([]);
            const after = await send(target, sample);
            expect(after.status).not.toBe(status);
            await after.body?.cancel();
          },
        );
      }
    }

    sandboxIt(`a latency fault delays the answers of its operation ${SANDBOX_ONLY}`, async () => {
      const control = controlClient(target);
      ok(
        await control.POST('/_mock/faults', {
          body: { type: 'latency', operation: 'listAgentStatuses', ms: 300, count: 1 },
        }),
        'inject',
      );
      const started = performance.now();
      const response = await send(target, { method: 'GET', path: '/agents/status' });
      expect(response.status).toBe(200);
      await response.body?.cancel();
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    });

    sandboxIt(`faults are listed, removed one by one (404 once gone) and cleared ${SANDBOX_ONLY}`, async () => {
      const control = controlClient(target);
      const first = ok(await control.POST('/_mock/faults', { body: { type: 'report_failure', count: 2 } }), 'inject');
      const second = ok(
        await control.POST('/_mock/faults', { body: { type: 'error', operation: 'getRawReport', status: 503 } }),
        'inject',
      );
      expect(second.remaining).toBeNull();
      expect(ok(await control.GET('/_mock/faults'), 'list').faults.map((f) => f.id)).toEqual([first.id, second.id]);

      const removed = await control.DELETE('/_mock/faults/{fault_id}', { params: { path: { fault_id: first.id } } });
      expect(removed.response.status).toBe(204);
      const again = await sendControl(target, { method: 'DELETE', path: `/_mock/faults/${first.id}` });
      await expectError(again, 404);
      await expectError(await sendControl(target, { method: 'DELETE', path: `/_mock/faults/${UNKNOWN_ID}` }), 404);

      const cleared = await control.DELETE('/_mock/faults');
      expect(cleared.response.status).toBe(204);
      expect(ok(await control.GET('/_mock/faults'), 'list').faults).toEqual([]);
    });

    sandboxIt(`400: a fault the document does not describe is refused ${SANDBOX_ONLY}`, async () => {
      for (const body of [
        { type: 'latency', operation: 'listAgents' },
        { type: 'error', status: 500 },
        { type: 'error', operation: 'noSuchOperation' },
        { type: 'meteor' },
      ]) {
        await expectError(await sendControl(target, { method: 'POST', path: '/_mock/faults', body }), 400);
      }
    });
  });
}
