import { describe, it } from 'vitest';
import type { ContractTarget } from '../target.js';
import { expectError, SANDBOX_ONLY, send, sendControl, WRONG_TOKEN } from './context.js';
import { CONTROL_SAMPLES, FRESHCHAT_SAMPLES } from './sample-requests.js';

/**
 * Registers the authentication checks: every operation answers 401, in Freshchat's error shape, to a token that no
 * account holds. Control operations are checked on the sandbox only.
 *
 * @example
 * describe('my Freshchat target', () => authChecks({ baseUrl, token, sandbox: false }));
 */
export function authChecks(target: ContractTarget): void {
  describe('authentication', () => {
    for (const sample of FRESHCHAT_SAMPLES) {
      it(`401: ${sample.operationId} with a token that is not valid`, async () => {
        await expectError(await send(target, { ...sample, token: WRONG_TOKEN }), 401);
      });
    }
    for (const sample of CONTROL_SAMPLES) {
      it.skipIf(!target.sandbox)(
        `401: ${sample.operationId} with a token that is not valid ${SANDBOX_ONLY}`,
        async () => {
          await expectError(await sendControl(target, { ...sample, token: WRONG_TOKEN }), 401);
        },
      );
    }
  });
}
