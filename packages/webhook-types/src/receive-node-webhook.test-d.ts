import type { IncomingMessage } from 'node:http';
import { expectTypeOf, test } from 'vitest';
import type { NodeWebhookRequest } from './receive-node-webhook.js';

test("Node's IncomingMessage is a NodeWebhookRequest, with no cast", () => {
  expectTypeOf<IncomingMessage>().toExtend<NodeWebhookRequest>();
});

test('a plain object without a body stream is not', () => {
  expectTypeOf<{ headers: Record<string, string> }>().not.toExtend<NodeWebhookRequest>();
});
