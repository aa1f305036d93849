import { sign } from 'node:crypto';
import type { StatusChangeEvent } from '../sandbox.js';
import type { SigningKeyPair } from './webhook-subscriptions.js';

/** A signed event, ready to send: the exact bytes, and the signature over them (the same on every attempt). */
export type SignedEvent = {
  id: string;
  action: string;
  body: Uint8Array<ArrayBuffer>;
  text: string;
  signature: string;
};

/**
 * Serializes `payload` once and signs the bytes with the account's key (RSA SHA-256, base64), so that every attempt
 * and resend of the event sends the same bytes under the same signature.
 *
 * @example
 * const event = signedEvent(await account.webhooks.keyPair(), eventId, 'agent_availability', payload);
 */
export function signedEvent(keys: SigningKeyPair, id: string, action: string, payload: unknown): SignedEvent {
  const text = JSON.stringify(payload);
  const body = new TextEncoder().encode(text);
  const signature = sign('sha256', body, keys.privateKey).toString('base64');
  return { id, action, body, text, signature };
}

/** Freshchat's `agent_availability` payload for a status change: who made it, when, and the agent's new status. */
export function agentAvailabilityPayload({ account, result, actor, at }: StatusChangeEvent) {
  return {
    actor: { actor_type: actor.type, actor_id: actor.id },
    action: 'agent_availability',
    action_time: new Date(at).toISOString(),
    data: {
      agent_availability: {
        status: result.availability,
        routing_type: result.agent.routingType,
        app_id: account.appId,
        agent_id: result.agent.id,
        metadata: { agent_status: { id: result.status.id, name: result.status.name } },
      },
    },
  };
}
