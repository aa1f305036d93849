import { describe, expect, it } from 'vitest';
import { parseWebhook, parseWebhookOrThrow } from './parse-webhook.js';
import { documentExample, exampleWith } from './testing/document-example.js';
import { WebhookRejectedError } from './webhook-rejection.js';

const exampleBody = JSON.stringify(documentExample);

describe('parseWebhook', () => {
  it.each([
    ['a string', exampleBody],
    ['bytes', new TextEncoder().encode(exampleBody)],
    ['an ArrayBuffer', new TextEncoder().encode(exampleBody).buffer],
    [
      'bytes with a UTF-8 byte-order mark',
      new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(exampleBody)]),
    ],
  ])("accepts the document's example given as %s", (_label, body) => {
    expect(parseWebhook(body)).toEqual({ ok: true, event: documentExample });
  });

  it('keeps non-ASCII text intact', () => {
    const payload = exampleWith((p) => {
      p.data.agent_availability.metadata.agent_status.name = 'Café ☕ 休憩';
    });
    const parsed = parseWebhook(new TextEncoder().encode(JSON.stringify(payload)));
    const event = parsed.ok && parsed.event.action === 'agent_availability' ? parsed.event : undefined;
    expect(event?.data.agent_availability.metadata.agent_status.name).toBe('Café ☕ 休憩');
  });

  it.each([
    ['not JSON', '{"action": "agent_availability",'],
    ['empty', ''],
  ])('refuses a body that is %s as malformed_body (400)', (_label, body) => {
    const parsed = parseWebhook(body);
    expect(parsed).toMatchObject({ ok: false, error: { kind: 'malformed_body', status: 400 } });
    expect(!parsed.ok && parsed.error.message).toMatch(/^body: is not valid JSON/);
  });

  it('refuses bytes that are not UTF-8 as malformed_body', () => {
    const bytes = new TextEncoder().encode(exampleBody);
    bytes[bytes.indexOf('T'.charCodeAt(0))] = 0xff; // inside "Tea break"
    expect(parseWebhook(bytes)).toEqual({
      ok: false,
      error: { kind: 'malformed_body', message: 'body: is not valid UTF-8', status: 400 },
    });
  });

  it('refuses a status outside the enum, naming the field', () => {
    const body = JSON.stringify(
      exampleWith((p) => {
        p.data.agent_availability.status = 'BUSY' as never;
      }),
    );
    expect(parseWebhook(body)).toEqual({
      ok: false,
      error: {
        kind: 'invalid_payload',
        message: 'data.agent_availability.status: must be equal to one of the allowed values (AVAILABLE, UNAVAILABLE)',
        status: 400,
      },
    });
  });

  it('refuses a missing field, naming it', () => {
    const body = JSON.stringify(exampleWith((p) => Reflect.deleteProperty(p.data.agent_availability, 'agent_id')));
    expect(parseWebhook(body)).toEqual({
      ok: false,
      error: { kind: 'invalid_payload', message: 'data.agent_availability.agent_id: is required', status: 400 },
    });
  });

  it('refuses a malformed action_time, naming the field', () => {
    const body = JSON.stringify(
      exampleWith((p) => {
        p.action_time = 'yesterday';
      }),
    );
    const parsed = parseWebhook(body);
    expect(!parsed.ok && parsed.error).toMatchObject({
      kind: 'invalid_payload',
      message: expect.stringMatching(/^action_time: /),
    });
  });

  it.each([
    ['an array', '[]', 'body: must be a JSON object'],
    ['null', 'null', 'body: must be a JSON object'],
    ['an object without action', '{"data":{}}', 'action: is required'],
    ['an object whose action is not a string', '{"action":42}', 'action: must be a string'],
  ])('refuses %s as invalid_payload', (_label, body, message) => {
    expect(parseWebhook(body)).toEqual({ ok: false, error: { kind: 'invalid_payload', message, status: 400 } });
  });

  it.each(['ticket_create', 'toString', 'constructor', '__proto__'])(
    'refuses the action %j as unknown_action',
    (action) => {
      const parsed = parseWebhook(JSON.stringify({ ...documentExample, action }));
      expect(parsed).toMatchObject({ ok: false, error: { kind: 'unknown_action', status: 400 } });
      expect(!parsed.ok && parsed.error.message).toBe(
        `action: unknown webhook action ${JSON.stringify(action)} (known: agent_availability, message_create, conversation_assignment, conversation_resolution, conversation_reopen)`,
      );
    },
  );

  it('accepts the conversation webhooks the spec declares, each checked against its own schema', () => {
    const message = {
      actor: { actor_type: 'user', actor_id: '2b3b7d0c-8a3f-4c5e-9d1a-6f2e4b8c0a17' },
      action: 'message_create',
      action_time: '2020-12-08T22:05:12.102Z',
      data: {
        message: {
          id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
          message_parts: [{ text: { content: 'Hello, is anyone there?' } }],
          app_id: 'f18dcf5f-338b-421e-b329-3dfd39b068d0',
          actor_type: 'user',
          conversation_id: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
          created_time: '2020-12-08T22:05:12.102Z',
        },
      },
    };
    const parsed = parseWebhook(JSON.stringify(message));
    expect(parsed).toEqual({ ok: true, event: message });
    if (parsed.ok && parsed.event.action === 'message_create') {
      expect(parsed.event.data.message.message_parts).toHaveLength(1);
    }
    const resolution = {
      actor: { actor_type: 'agent', actor_id: 'afd5102c-5443-4fe3-a069-4fe25189a0a1' },
      action: 'conversation_resolution',
      action_time: '2020-12-08T22:20:41.008Z',
      data: {
        resolve: {
          resolver: 'agent',
          conversation: { conversation_id: 'c1', app_id: 'f18dcf5f-338b-421e-b329-3dfd39b068d0', status: 'resolved' },
        },
      },
    };
    expect(parseWebhook(JSON.stringify(resolution))).toEqual({ ok: true, event: resolution });
    // The action's own schema applies: a resolution with an unknown conversation status is refused, naming it.
    const wrong = structuredClone(resolution);
    wrong.data.resolve.conversation.status = 'archived';
    const refused = parseWebhook(JSON.stringify(wrong));
    expect(refused).toMatchObject({ ok: false, error: { kind: 'invalid_payload', status: 400 } });
    expect(!refused.ok && refused.error.message).toMatch(/^data\.resolve\.conversation\.status: /);
  });
});

describe('parseWebhookOrThrow', () => {
  it('returns the event', () => {
    expect(parseWebhookOrThrow(exampleBody)).toEqual(documentExample);
  });

  it('throws a WebhookRejectedError carrying the rejection', () => {
    const error = (() => {
      try {
        parseWebhookOrThrow('{');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(WebhookRejectedError);
    expect(error).toMatchObject({ name: 'WebhookRejectedError', rejection: { kind: 'malformed_body', status: 400 } });
  });
});
