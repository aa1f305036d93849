import { describe, expectTypeOf, test } from 'vitest';
import { createControlClient } from './control-client.js';
import { createFreshchatClient } from './freshchat-client.js';
import type { FreshchatError } from './schemas.js';

const freshchat = createFreshchatClient({ token: 'sandbox-token' });
const control = createControlClient({ token: 'sandbox-token' });
const agent_id = 'afd5102c-5443-4fe3-a069-4fe25189a0a1';

describe('FreshchatClient types', () => {
  test('GET /agents/status answers the list of states', async () => {
    const { data } = await freshchat.GET('/agents/status');

    expectTypeOf(data).toEqualTypeOf<{ states: { id: string; name: string }[] } | undefined>();
  });

  test('an error answer is typed as the Error schema', async () => {
    const { error } = await freshchat.GET('/agents/status');

    // `branded` compares structurally: openapi-fetch flattens the schema's `{ type } & { [key: string]: unknown }`.
    expectTypeOf(error).branded.toEqualTypeOf<FreshchatError | undefined>();
    expectTypeOf<NonNullable<typeof error>>().toHaveProperty('message').toEqualTypeOf<string>();
  });

  test('PATCH /agents/{agent_id} requires params.path.agent_id', () => {
    // @ts-expect-error params is required
    void freshchat.PATCH('/agents/{agent_id}', { body: { availability_status: 'AVAILABLE' } });
    // @ts-expect-error params.path.agent_id is required
    void freshchat.PATCH('/agents/{agent_id}', { params: { path: {} }, body: { availability_status: 'AVAILABLE' } });

    void freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id } },
      body: { availability_status: 'AVAILABLE' },
    });
  });

  test("availability_status only accepts 'AVAILABLE' | 'UNAVAILABLE'", () => {
    void freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id } },
      body: { availability_status: 'UNAVAILABLE' },
    });
    void freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id } },
      // @ts-expect-error 'BUSY' is not an availability status
      body: { availability_status: 'BUSY' },
    });
  });

  test('only documented paths can be called', () => {
    // @ts-expect-error not a path of the document
    void freshchat.GET('/agents/statuses');
  });

  test('the control client is typed by the control document', async () => {
    const { data } = await control.POST('/_mock/clock/advance', { body: { seconds: 30 } });

    expectTypeOf(data).toEqualTypeOf<{ now: string; frozen: boolean } | undefined>();
    // @ts-expect-error seconds must be a number
    void control.POST('/_mock/clock/advance', { body: { seconds: '30' } });
  });
});
