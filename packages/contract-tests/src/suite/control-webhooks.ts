import { describe, expect, it } from 'vitest';
import type { ContractTarget } from '../target.js';
import { controlClient, controlSenders, expectError, ok, SANDBOX_ONLY, UNKNOWN_ID } from './context.js';

/** A URL nothing listens on: deliveries to it fail at once (connection refused). */
const REFUSING_URL = 'http://127.0.0.1:9/freshchat/webhook';

/**
 * Registers the control API's checks of webhooks: subscriptions, triggered events, the delivery log, resends and the
 * signing key (sandbox only).
 *
 * @example
 * describe('sandbox', () => controlWebhookChecks({ baseUrl, token, sandbox: true, control: { origin } }));
 */
export function controlWebhookChecks(target: ContractTarget): void {
  const sandboxIt = it.skipIf(!target.sandbox);
  const { post, del, get } = controlSenders(target);

  describe('control API: webhooks', () => {
    sandboxIt(`409: past the account's subscriptions (100 by default) ${SANDBOX_ONLY}`, async () => {
      let refused: Response | undefined;
      for (let n = 0; n <= 1000 && !refused; n++) {
        const answer = await post('/_mock/webhooks', { url: `${REFUSING_URL}/${n}` });
        if (answer.status !== 201) refused = answer;
      }
      await expectError(refused as Response, 409, { code: 'SUBSCRIPTION_LIMIT', field: 'url' });
    });

    sandboxIt(`201, 200, 204, 404: subscribe, subscribe again, list and unsubscribe ${SANDBOX_ONLY}`, async () => {
      const control = controlClient(target);
      const subscribed = await control.POST('/_mock/webhooks', { body: { url: REFUSING_URL } });
      expect(subscribed.response.status).toBe(201);
      const subscription = ok(subscribed, 'subscribe');
      expect(subscription.url).toBe(REFUSING_URL);
      const again = await control.POST('/_mock/webhooks', { body: { url: REFUSING_URL } });
      expect(again.response.status, 'the same URL again: the existing subscription').toBe(200);
      expect(again.data).toEqual(subscription);
      expect(ok(await control.GET('/_mock/webhooks'), 'list').subscriptions).toEqual([subscription]);
      const removed = await control.DELETE('/_mock/webhooks/{subscription_id}', {
        params: { path: { subscription_id: subscription.id } },
      });
      expect(removed.response.status).toBe(204);
      await expectError(await del(`/_mock/webhooks/${subscription.id}`), 404);
      expect(ok(await control.GET('/_mock/webhooks'), 'list').subscriptions).toEqual([]);
    });

    sandboxIt(`400: a URL that is not http(s), naming url ${SANDBOX_ONLY}`, async () => {
      await expectError(await post('/_mock/webhooks', { url: 'ftp://example.com/hook' }), 400, { field: 'url' });
      await expectError(await post('/_mock/webhooks', { url: 'not a url' }), 400, { field: 'url' });
    });

    sandboxIt(
      `202: a triggered event goes to every subscriber, and its failed attempt is in the delivery log ${SANDBOX_ONLY}`,
      async () => {
        const control = controlClient(target);
        ok(await control.POST('/_mock/webhooks', { body: { url: REFUSING_URL } }), 'subscribe');
        const fired = ok(
          await control.POST('/_mock/webhooks/trigger', { body: { action: 'message_create' } }),
          'trigger',
        );
        expect(fired).toMatchObject({
          action: 'message_create',
          subscribers: 1,
          payload: { action: 'message_create' },
        });
        let deliveries: { event_id: string; outcome: string }[] = [];
        for (let tries = 0; tries < 50 && deliveries.length === 0; tries++) {
          deliveries = ok(await control.GET('/_mock/webhooks/deliveries'), 'deliveries').deliveries;
          if (deliveries.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(deliveries[0]).toMatchObject({ event_id: fired.event_id, outcome: 'failed', retry_count: 0 });
      },
    );

    sandboxIt(
      `resend: 202 sends an attempt's event again; 404 an unknown attempt; 400 a malformed id; 409 once unsubscribed ${SANDBOX_ONLY}`,
      async () => {
        const control = controlClient(target);
        const subscription = ok(await control.POST('/_mock/webhooks', { body: { url: REFUSING_URL } }), 'subscribe');
        const fired = ok(await control.POST('/_mock/webhooks/trigger', { body: { action: 'message_create' } }), 'fire');
        let attempt: { id: string } | undefined;
        for (let tries = 0; tries < 50 && !attempt; tries++) {
          const { deliveries } = ok(await control.GET('/_mock/webhooks/deliveries'), 'deliveries');
          attempt = deliveries.find((d) => d.event_id === fired.event_id);
          if (!attempt) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const id = attempt?.id as string;
        const resent = await post(`/_mock/webhooks/deliveries/${id}/resend`);
        expect(resent.status).toBe(202);
        expect(await resent.json()).toMatchObject({ event_id: fired.event_id, subscription_id: subscription.id });
        await expectError(await post(`/_mock/webhooks/deliveries/${UNKNOWN_ID}/resend`), 404, { field: 'delivery_id' });
        await expectError(await post('/_mock/webhooks/deliveries/not-a-uuid/resend'), 400, { field: 'delivery_id' });
        expect((await del(`/_mock/webhooks/${subscription.id}`)).status).toBe(204);
        await expectError(await post(`/_mock/webhooks/deliveries/${id}/resend`), 409, { field: 'delivery_id' });
      },
    );

    sandboxIt(`400: an action the document does not describe ${SANDBOX_ONLY}`, async () => {
      await expectError(await post('/_mock/webhooks/trigger', { action: 'agent_teleported' }), 400, {
        field: 'action',
      });
    });

    sandboxIt(`the signing key is a PEM public key ${SANDBOX_ONLY}`, async () => {
      const response = await get('/_mock/webhooks/public-key');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/x-pem-file/);
      expect(await response.text()).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n?$/);
    });

    sandboxIt(
      `format=freshchat serves the key on one line as Freshchat shows it; 400 for another format ${SANDBOX_ONLY}`,
      async () => {
        const response = await get('/_mock/webhooks/public-key?format=freshchat');
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(await response.text()).toMatch(
          /^-----BEGIN RSA PUBLIC KEY----- [A-Za-z0-9+/=]+ -----END RSA PUBLIC KEY-----$/,
        );
        await expectError(await get('/_mock/webhooks/public-key?format=der'), 400, { field: 'format' });
      },
    );
  });
}
