import { createControlClient, createFreshchatClient, type FetchLike } from '@freshchat-sandbox/client';
import type { Hono } from 'hono';
import { describe, expectTypeOf, test } from 'vitest';
import type { VirtualClock } from './domain/clock/virtual-clock.js';
import type { Sandbox } from './domain/sandbox.js';
import type { WebhookDispatcher } from './domain/webhooks/webhook-dispatcher.js';
import { createMockServer, type MockServer, type MockServerOptions } from './mock-server.js';

declare const mock: MockServer;

describe('createMockServer types', () => {
  test('returns { app, dispatch, state, clock, webhooks, inspector, close }', () => {
    expectTypeOf(createMockServer).returns.toEqualTypeOf<MockServer>();
    expectTypeOf<keyof MockServer>().toEqualTypeOf<
      'app' | 'dispatch' | 'state' | 'clock' | 'webhooks' | 'inspector' | 'close'
    >();
    expectTypeOf(mock.dispatch).toEqualTypeOf<Hono['fetch']>();
    expectTypeOf(mock.app).toExtend<Hono>();
    expectTypeOf(mock.state).toEqualTypeOf<Sandbox>();
    expectTypeOf(mock.clock).toEqualTypeOf<VirtualClock>();
    expectTypeOf(mock.webhooks).toEqualTypeOf<WebhookDispatcher>();
    expectTypeOf(mock.close).toEqualTypeOf<() => void>();
  });

  test('takes optional options', () => {
    expectTypeOf(createMockServer).parameter(0).toEqualTypeOf<MockServerOptions | undefined>();
    expectTypeOf(createMockServer).toBeCallableWith();
    expectTypeOf(createMockServer).toBeCallableWith({ reportDelaySeconds: 5, limits: { reportsPerMinute: 2 } });
    // @ts-expect-error reportDelaySeconds is a number of seconds
    createMockServer({ reportDelaySeconds: '5' });
  });

  test('app.fetch is usable as the clients’ fetch', () => {
    expectTypeOf(mock.app.fetch).toExtend<FetchLike>();
    expectTypeOf(mock.app.fetch(new Request('http://sandbox.local/v2/agents'))).toEqualTypeOf<Promise<Response>>();

    createFreshchatClient({
      baseUrl: 'http://sandbox.local/v2',
      token: 'sandbox-token',
      fetch: (req) => mock.app.fetch(req),
    });
    createControlClient({
      baseUrl: 'http://sandbox.local',
      token: 'sandbox-token',
      fetch: (req) => mock.app.fetch(req),
    });
    createFreshchatClient({ token: 'sandbox-token', fetch: mock.app.fetch });
  });
});
