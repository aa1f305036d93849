import { createFreshchatClient } from '@freshchat-sandbox/client';
// The one line a test file needs for `inject('freshchatSandboxUrl')` to be typed (docs/testing.md).
import type {} from '@freshchat-sandbox/mock-server/vitest-global-setup';
import { expect, inject, it } from 'vitest';

it('reaches the sandbox that the global setup started, through inject', async () => {
  const url: string = inject('freshchatSandboxUrl');
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const client = createFreshchatClient({ baseUrl: `${url}/v2`, token: 'sandbox-token' });
  const { data, response } = await client.GET('/agents/status');
  expect(response.status).toBe(200);
  expect(data?.states.map((status) => status.name)).toContain('Meeting');
});
