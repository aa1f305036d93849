import { describe, it } from 'vitest';
import type { ContractTarget } from '../target.js';
import { expectError, SANDBOX_ONLY, send, sendControl } from './context.js';
import { BODY_LIMITS, CONTROL_SAMPLES, FRESHCHAT_SAMPLES, oversizedBody } from './sample-requests.js';

const SANDBOX_LIMIT = "[sandbox only: the 64 KiB limit is the sandbox's, Freshchat documents none]";

/**
 * Registers the request-body checks for every operation that takes a JSON body: a body that is not JSON is 415,
 * a body over the size limit is 413. The requests aim at ids no account holds, so nothing changes anywhere.
 *
 * @example
 * describe('my Freshchat target', () => requestBodyChecks(target));
 */
export function requestBodyChecks(target: ContractTarget): void {
  describe('request bodies', () => {
    for (const sample of FRESHCHAT_SAMPLES.filter((s) => s.body !== undefined)) {
      it(`415: ${sample.operationId} with a text/plain body`, async () => {
        const response = await send(target, { ...sample, body: 'not json', contentType: 'text/plain' });
        await expectError(response, 415, { field: 'Content-Type' });
      });
      it.skipIf(!target.sandbox)(`413: ${sample.operationId} with a body over 64 KiB ${SANDBOX_LIMIT}`, async () => {
        const response = await send(target, { ...sample, body: oversizedBody(sample.body, BODY_LIMITS.freshchat) });
        await expectError(response, 413, { field: 'body' });
      });
    }
    for (const sample of CONTROL_SAMPLES.filter((s) => s.body !== undefined)) {
      it.skipIf(!target.sandbox)(`415: ${sample.operationId} with a text/plain body ${SANDBOX_ONLY}`, async () => {
        const response = await sendControl(target, { ...sample, body: 'not json', contentType: 'text/plain' });
        await expectError(response, 415, { field: 'Content-Type' });
      });
      it.skipIf(!target.sandbox)(`413: ${sample.operationId} with a body over 1 MiB ${SANDBOX_ONLY}`, async () => {
        const response = await sendControl(target, {
          ...sample,
          body: oversizedBody(sample.body, BODY_LIMITS.control),
        });
        await expectError(response, 413, { field: 'body' });
      });
    }
  });
}
