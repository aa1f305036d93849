import { describe, expect, it } from 'vitest';
import type { ContractTarget } from '../target.js';
import { controlClient, controlSenders, ok, SANDBOX_ONLY, SEED } from './context.js';

/**
 * Registers the control API's checks of report jobs and the inspector's event feed (sandbox only).
 *
 * @example
 * describe('sandbox', () => controlReportChecks({ baseUrl, token, sandbox: true, control: { origin } }));
 */
export function controlReportChecks(target: ContractTarget): void {
  const sandboxIt = it.skipIf(!target.sandbox);
  const { get } = controlSenders(target);

  describe('control API: reports and the inspector feed', () => {
    sandboxIt(`200: the account's report jobs ${SANDBOX_ONLY}`, async () => {
      const { reports } = ok(await controlClient(target).GET('/_mock/reports'), 'reports');
      expect(Array.isArray(reports)).toBe(true);
    });

    sandboxIt(`200: an event stream whose first event is a snapshot of the account ${SANDBOX_ONLY}`, async () => {
      const response = await get('/_mock/inspector/events');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const { value } = await reader.read();
      await reader.cancel();
      const event = new TextDecoder().decode(value);
      expect(event).toMatch(/^event: snapshot\ndata: /);
      const snapshot = JSON.parse(event.slice(event.indexOf('data: ') + 6));
      expect(snapshot.agents.map((a: { id: string }) => a.id)).toContain(SEED.agents.johnDoe);
    });
  });
}
