import type { components, operations } from '@freshchat-sandbox/client';
import { describe, expect, it } from 'vitest';
import { ADMIN_ID, auth, historyOf, IDS, iso, openSandbox, T0, UNKNOWN_ID } from '../testing/sandbox-harness.js';

const SEED_STATUSES = [
  { id: IDS.lunch, name: 'Lunch' },
  { id: IDS.break, name: 'Break' },
  { id: IDS.meeting, name: 'Meeting' },
  { id: IDS.training, name: 'Knowledge training' },
  { id: IDS.teaBreak, name: 'Tea break' },
];
const ACTIVE = { id: IDS.active, name: 'Active on IntelliAssign' };
const UNAVAILABLE = { id: IDS.unavailable, name: 'Unavailable' };
const MEETING = { id: IDS.meeting, name: 'Meeting' };

/** The status of an answer and its parsed body, for raw requests. */
async function answer(response: Response): Promise<{ status: number; body: unknown }> {
  return { status: response.status, body: await response.json() };
}

/** Path and query of a page link, as an object, so the order of the query parameters does not matter. */
function linkTarget(href: string): { path: string; query: Record<string, string> } {
  const url = new URL(href, 'http://x');
  return { path: url.pathname, query: Object.fromEntries(url.searchParams) };
}

describe('authentication on /v2', () => {
  it('answers 401 in the error shape without a token, with an unknown token and with a non-bearer scheme', async () => {
    const { raw, clientsFor } = openSandbox();

    expect(await answer(await raw('/v2/agents/status'))).toEqual({
      status: 401,
      body: { code: 401, status: 'UNAUTHORIZED', message: 'Authorization: a bearer token is required' },
    });
    expect(await answer(await raw('/v2/agents/status', { headers: { Authorization: 'Basic c2FuZGJveA==' } }))).toEqual({
      status: 401,
      body: { code: 401, status: 'UNAUTHORIZED', message: 'Authorization: a bearer token is required' },
    });
    const stranger = await clientsFor('not-a-token').freshchat.GET('/agents/status');
    expect(stranger.response.status).toBe(401);
    expect(stranger.error).toEqual({
      code: 401,
      status: 'UNAUTHORIZED',
      message: 'Authorization: the token is not valid',
    });
  });

  it.each([
    ['GET', '/v2/agents/status'],
    ['GET', '/v2/agents?page=1'],
    ['GET', `/v2/agents/${IDS.john}`],
    ['PATCH', `/v2/agents/${IDS.john}`],
    ['POST', '/v2/reports/raw'],
    ['GET', `/v2/reports/raw/${UNKNOWN_ID}`],
  ])('answers 401 to %s %s without a token', async (method, path) => {
    const { raw } = openSandbox();
    const init: RequestInit = { method };
    if (method !== 'GET') Object.assign(init, { headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(await answer(await raw(path, init))).toEqual({
      status: 401,
      body: { code: 401, status: 'UNAUTHORIZED', message: 'Authorization: a bearer token is required' },
    });
  });

  it('checks the token before anything else: a bad token with a bad body is still 401', async () => {
    const { raw } = openSandbox();
    const response = await raw(`/v2/agents/${IDS.john}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'text/plain' },
      body: 'nope',
    });
    expect(response.status).toBe(401);
  });
});

describe('listAgentStatuses', () => {
  it("answers the account's custom statuses only, in order of creation, with rate-limit headers", async () => {
    const { freshchat } = openSandbox();

    const { data, response } = await freshchat.GET('/agents/status');

    expect(response.status).toBe(200);
    expect(data).toEqual({ states: SEED_STATUSES });
    expect(response.headers.get('X-RateLimit-Limit')).toBe('5000');
    expect(response.headers.get('X-RateLimit-Remaining')).toBe('4999');
    expect(response.headers.get('X-RateLimit-Reset')).toBe(String((T0 + 60_000) / 1000));
  });

  it('lists a status created through the control API and forgets a deleted one', async () => {
    const { freshchat, control } = openSandbox();
    const created = await control.POST('/_mock/statuses', { body: { name: 'On a call', emoji: '📞' } });
    await control.DELETE('/_mock/statuses/{status_id}', { params: { path: { status_id: IDS.lunch } } });

    const { data } = await freshchat.GET('/agents/status');

    expect(data?.states).toEqual([...SEED_STATUSES.slice(1), { id: created.data?.id, name: 'On a call' }]);
  });

  it('answers each change to the statuses from the next GET on, though the list is kept between changes', async () => {
    const { freshchat, control } = openSandbox();
    const names = async () => (await freshchat.GET('/agents/status')).data?.states.map((s) => s.name);
    expect(await names()).toEqual(SEED_STATUSES.map((s) => s.name));
    expect(await names()).toEqual(SEED_STATUSES.map((s) => s.name));

    await control.PATCH('/_mock/statuses/{status_id}', {
      params: { path: { status_id: IDS.lunch } },
      body: { name: 'Long lunch' },
    });
    expect((await names())?.[0]).toBe('Long lunch');

    await control.POST('/_mock/statuses', { body: { name: 'On a call' } });
    expect((await names())?.at(-1)).toBe('On a call');

    await control.DELETE('/_mock/statuses/{status_id}', { params: { path: { status_id: IDS.lunch } } });
    expect(await names()).not.toContain('Long lunch');

    await control.POST('/_mock/reset');
    expect(await names()).toEqual(SEED_STATUSES.map((s) => s.name));
  });
});

describe('rate-limit headers', () => {
  it('counts every /v2 request down in X-RateLimit-Remaining within the minute', async () => {
    const { freshchat, advance } = openSandbox();
    await freshchat.GET('/agents');
    await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: IDS.john } } });
    const third = await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: { agent_status: { id: IDS.lunch } },
    });
    expect(third.response.headers.get('X-RateLimit-Remaining')).toBe('4997');
    expect(third.response.headers.get('X-RateLimit-Limit')).toBe('5000');

    await advance(60);
    const fresh = await freshchat.GET('/agents');
    expect(fresh.response.headers.get('X-RateLimit-Remaining')).toBe('4999');
    expect(fresh.response.headers.get('X-RateLimit-Reset')).toBe(String((T0 + 120_000) / 1000));
  });

  it('answers 429 with Retry-After once the per-minute request limit is used up', async () => {
    const { freshchat, advance } = openSandbox({ limits: { requestsPerMinute: 2 } });
    await freshchat.GET('/agents/status');
    await advance(15);
    await freshchat.GET('/agents/status');

    const refused = await freshchat.GET('/agents');

    expect(refused.response.status).toBe(429);
    expect(refused.response.headers.get('Retry-After')).toBe('45');
    expect(refused.error).toEqual({
      code: 429,
      status: 'TOO_MANY_REQUESTS',
      message: 'too many requests in this minute; retry after 45 seconds',
    });
    await advance(45);
    expect((await freshchat.GET('/agents')).response.status).toBe(200);
  });

  it('a 429 carries X-RateLimit-Limit/Remaining/Reset of the window that refused it, as well as Retry-After', async () => {
    const { freshchat, advance } = openSandbox({ limits: { requestsPerMinute: 2 } });
    await freshchat.GET('/agents/status');
    await advance(15);
    await freshchat.GET('/agents/status');

    const refused = await freshchat.GET('/agents');

    expect(refused.response.status).toBe(429);
    expect(rateHeaders(refused.response)).toEqual({
      retryAfter: '45',
      limit: '2',
      remaining: '0',
      reset: String((T0 + 60_000) / 1000),
    });
  });

  it('a report POST refused by the general window shows the general window, not the report one', async () => {
    const { freshchat } = openSandbox({ limits: { requestsPerMinute: 1 } });
    await freshchat.GET('/agents/status');

    const refused = await freshchat.POST('/reports/raw', {
      body: { start: iso(T0 - 3_600_000), end: iso(T0), event: 'Agent-IntelliAssign-Activity', format: 'csv' },
    });

    expect(refused.response.status).toBe(429);
    expect(rateHeaders(refused.response)).toEqual({
      retryAfter: '60',
      limit: '1',
      remaining: '0',
      reset: String((T0 + 60_000) / 1000),
    });
    expect(refused.error?.message).toBe('too many requests in this minute; retry after 60 seconds');
  });

  it('an injected 429 carries the operation window limit, none remaining, reset with its Retry-After', async () => {
    const { freshchat, control } = openSandbox();
    await control.POST('/_mock/faults', { body: { type: 'error', status: 429, operation: 'getAgent', count: 1 } });

    const refused = await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: IDS.john } } });

    expect(refused.response.status).toBe(429);
    expect(rateHeaders(refused.response)).toEqual({
      retryAfter: '1',
      limit: '5000',
      remaining: '0',
      reset: String((T0 + 1000) / 1000),
    });
  });
});

/** The rate-limit headers of an answer. */
function rateHeaders(response: Response) {
  return {
    retryAfter: response.headers.get('Retry-After'),
    limit: response.headers.get('X-RateLimit-Limit'),
    remaining: response.headers.get('X-RateLimit-Remaining'),
    reset: response.headers.get('X-RateLimit-Reset'),
  };
}

describe('listAgents', () => {
  it('answers the first page of the seed agents in order of creation, with pagination and links', async () => {
    const { freshchat } = openSandbox();

    const { data, response } = await freshchat.GET('/agents');

    expect(response.status).toBe(200);
    expect(data?.agents.map((a) => a.id)).toEqual([IDS.john, IDS.matt, IDS.sarah, IDS.sebastian, ADMIN_ID]);
    expect(data?.agents.map((a) => `${a.first_name} ${a.last_name}`)).toEqual([
      'John Doe',
      'Matt Gibson',
      'Sarah Jones',
      'Sebastian Ric',
      'Account Admin',
    ]);
    // The admin, the token's owner, is one of the agents: the only one whose role is ADMIN.
    expect(data?.agents.map((a) => [a.role_id, a.role_name])).toEqual([
      ['AGENT', 'Agent'],
      ['AGENT', 'Agent'],
      ['AGENT', 'Agent'],
      ['AGENT', 'Agent'],
      ['ADMIN', 'Admin'],
    ]);
    expect(data?.pagination).toEqual({ current_page: 1, items_per_page: 20, total_items: 5, total_pages: 1 });
    expect(data?.links).toEqual({
      first_page: { href: '/v2/agents?page=1&items_per_page=20', rel: 'first_page', type: 'GET' },
      last_page: { href: '/v2/agents?page=1&items_per_page=20', rel: 'last_page', type: 'GET' },
    });
    expect(response.headers.get('X-RateLimit-Remaining')).toBe('4999');
  });

  it('pages, sorts, and gives next/previous links that keep the order and walk the same list', async () => {
    const { freshchat, raw } = openSandbox();

    const first = await freshchat.GET('/agents', {
      params: { query: { items_per_page: 3, sort_by: 'first_name', sort_order: 'desc' } },
    });

    expect(first.data?.agents.map((a) => a.first_name)).toEqual(['Sebastian', 'Sarah', 'Matt']);
    expect(first.data?.pagination).toEqual({ current_page: 1, items_per_page: 3, total_items: 5, total_pages: 2 });
    const links = first.data?.links;
    expect(links?.previous_page).toBeUndefined();
    const sorted = { sort_by: 'first_name', sort_order: 'desc', items_per_page: '3' };
    expect(linkTarget(links?.next_page?.href ?? '')).toEqual({ path: '/v2/agents', query: { ...sorted, page: '2' } });
    expect(linkTarget(links?.last_page.href ?? '')).toEqual({ path: '/v2/agents', query: { ...sorted, page: '2' } });
    expect(linkTarget(links?.first_page.href ?? '')).toEqual({ path: '/v2/agents', query: { ...sorted, page: '1' } });
    expect(links?.next_page).toMatchObject({ rel: 'next_page', type: 'GET' });

    // Joined with the host, as public clients do.
    const second = (await (await raw(`${links?.next_page?.href}`, { headers: auth() })).json()) as {
      agents: { first_name: string }[];
      pagination: unknown;
      links: { next_page?: unknown; previous_page?: { href: string } };
    };
    expect(second.agents.map((a) => a.first_name)).toEqual(['John', 'Account']);
    expect(second.pagination).toEqual({ current_page: 2, items_per_page: 3, total_items: 5, total_pages: 2 });
    expect(second.links.next_page).toBeUndefined();
    expect(linkTarget(second.links.previous_page?.href ?? '')).toEqual({
      path: '/v2/agents',
      query: { ...sorted, page: '1' },
    });
  });

  it('sorts by last name and by email, ascending by default', async () => {
    const { freshchat, control } = openSandbox();
    await control.POST('/_mock/agents', {
      body: { first_name: 'Ada', last_name: 'Zed', email: 'aaa@example.com' },
    });

    const byLast = await freshchat.GET('/agents', { params: { query: { sort_by: 'last_name' } } });
    const byEmail = await freshchat.GET('/agents', { params: { query: { sort_by: 'email' } } });

    expect(byLast.data?.agents.map((a) => a.last_name)).toEqual(['Admin', 'Doe', 'Gibson', 'Jones', 'Ric', 'Zed']);
    expect(byEmail.data?.agents.map((a) => a.email)).toEqual([
      'aaa@example.com',
      'account.admin@example.com',
      'john.doe@example.com',
      'matt.gibson@example.com',
      'sarah.jones@example.com',
      'sebastian.ric@example.com',
    ]);
  });

  it('filters by availability, by deactivation and by group', async () => {
    const { freshchat, control } = openSandbox();
    await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.matt } },
      body: { agent_status: { id: IDS.meeting } },
    });
    const retired = await control.POST('/_mock/agents', {
      body: { first_name: 'Retired', last_name: 'Agent', is_deactivated: true },
    });
    const grouped = await control.POST('/_mock/agents', {
      body: { first_name: 'Grouped', last_name: 'Agent', groups: ['g-1', 'g-2'] },
    });
    const ids = async (query: operations['listAgents']['parameters']['query']) =>
      (await freshchat.GET('/agents', { params: { query } })).data?.agents.map((a) => a.id);

    expect(await ids({ availability_status: 'UNAVAILABLE' })).toEqual([IDS.matt]);
    expect(await ids({ availability_status: 'AVAILABLE' })).toEqual([
      IDS.john,
      IDS.sarah,
      IDS.sebastian,
      ADMIN_ID,
      retired.data?.id,
      grouped.data?.id,
    ]);
    expect(await ids({ is_deactivated: true })).toEqual([retired.data?.id]);
    expect(await ids({ is_deactivated: false })).toHaveLength(6);
    expect(await ids({ groups: 'g-2' })).toEqual([grouped.data?.id]);
    expect(await ids({ groups: 'g-3' })).toEqual([]);
  });

  it('answers an empty page past the end, with a previous link to the last page', async () => {
    const { freshchat } = openSandbox();

    const { data } = await freshchat.GET('/agents', { params: { query: { page: 9, items_per_page: 2 } } });

    expect(data?.agents).toEqual([]);
    expect(data?.pagination).toEqual({ current_page: 9, items_per_page: 2, total_items: 5, total_pages: 3 });
    expect(data?.links.next_page).toBeUndefined();
    expect(linkTarget(data?.links.previous_page?.href ?? '').query.page).toBe('3');
  });

  it.each([
    [{ items_per_page: 51 }, 'items_per_page: must be <= 50'],
    [{ items_per_page: 0 }, 'items_per_page: must be >= 1'],
    [{ page: 0 }, 'page: must be >= 1'],
    [{ sort_by: 'age' }, 'sort_by: must be one of first_name, last_name, email, created_time'],
    [{ sort_order: 'up' }, 'sort_order: must be one of asc, desc'],
    [{ availability_status: 'BUSY' }, 'availability_status: must be one of AVAILABLE, UNAVAILABLE'],
  ])('answers 400 for %o naming the parameter', async (query, message) => {
    const { freshchat } = openSandbox();

    const { error, response } = await freshchat.GET('/agents', { params: { query: query as never } });

    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message });
  });

  it("names the token's owner as the actor of an API change: an admin who is one of the account's agents", async () => {
    const { freshchat, control } = openSandbox();
    await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: { agent_status: { id: IDS.meeting } },
    });
    const actor = (await historyOf(control, IDS.john)).at(-1)?.actor;
    const admin = await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: actor?.actor_id ?? '' } } });
    const account = (await control.GET('/_mock/account')).data;

    expect(actor).toEqual({ actor_type: 'admin', actor_id: ADMIN_ID });
    expect(account?.admin_id).toBe(ADMIN_ID);
    expect(admin.response.status).toBe(200);
    expect(admin.data).toMatchObject({ id: ADMIN_ID, role_id: 'ADMIN', role_name: 'Admin', is_deactivated: false });
  });

  it('honours created_from as Airbyte sends it (six fraction digits): agents created at or after it; links keep it', async () => {
    const { freshchat, control, advance } = openSandbox();
    await advance(60);
    const later = await control.POST('/_mock/agents', { body: { first_name: 'New', last_name: 'Hire' } });
    const page = async (created_from: string) =>
      (await freshchat.GET('/agents', { params: { query: { created_from, items_per_page: 1 } } })).data;

    const sinceNow = await page('2030-06-15T12:01:00.000000Z');
    const sinceStart = await page('2030-06-15T12:00:00Z');
    const afterAll = await page('2030-06-15T12:01:00.001Z');

    expect(sinceNow?.agents.map((a) => a.id)).toEqual([later.data?.id]);
    expect(sinceNow?.pagination.total_items).toBe(1);
    expect(sinceStart?.pagination.total_items).toBe(6);
    expect(linkTarget(sinceStart?.links.next_page?.href ?? '').query).toEqual({
      created_from: '2030-06-15T12:00:00Z',
      page: '2',
      items_per_page: '1',
    });
    expect(afterAll?.pagination.total_items).toBe(0);
  });

  it.each([['2030-06-15T12:00:00+00:00'], ['2030-06-15 12:00:00Z'], ['2030-06-15'], ['yesterday']])(
    'answers 400 naming created_from for %s (UTC with Z only)',
    async (created_from) => {
      const { freshchat } = openSandbox();
      const { error, response } = await freshchat.GET('/agents', { params: { query: { created_from } } });
      expect(response.status).toBe(400);
      expect(error?.message).toMatch(/^created_from: must have the form YYYY-MM-DDTHH:MM:SS\[\.ffffff\]Z/);
    },
  );

  it('answers 400 for a page that is not an integer', async () => {
    const { raw } = openSandbox();
    expect(await answer(await raw('/v2/agents?page=two', { headers: auth() }))).toEqual({
      status: 400,
      body: { code: 400, status: 'INVALID_VALUE', message: 'page: must be integer' },
    });
  });

  it('answers 400 naming page for ?page=1e23, a page number past any page', async () => {
    const { raw } = openSandbox();
    expect(await answer(await raw('/v2/agents?page=1e23', { headers: auth() }))).toEqual({
      status: 400,
      body: { code: 400, status: 'INVALID_VALUE', message: 'page: must be <= 2147483647' },
    });
  });

  it('links carry the /v2 prefix and only the declared query parameters', async () => {
    const { freshchat, raw } = openSandbox();

    const { data } = await freshchat.GET('/agents', {
      params: {
        query: { items_per_page: 2, groups: 'g-0', availability_status: 'AVAILABLE', debug: 'x', token: 'y' } as never,
      },
    });
    const all = await freshchat.GET('/agents', {
      params: { query: { items_per_page: 2, utm_source: 'mail' } as never },
    });

    expect(linkTarget(data?.links.first_page.href ?? '')).toEqual({
      path: '/v2/agents',
      query: { groups: 'g-0', availability_status: 'AVAILABLE', page: '1', items_per_page: '2' },
    });
    const next = all.data?.links.next_page?.href ?? '';
    expect(linkTarget(next)).toEqual({ path: '/v2/agents', query: { page: '2', items_per_page: '2' } });
    // A consumer joins the host and the href.
    const followed = await raw(next, { headers: auth() });
    expect(followed.status).toBe(200);
    expect(((await followed.json()) as { pagination: { current_page: number } }).pagination.current_page).toBe(2);
  });

  it('with no matches, last_page names page 0 as total_pages: 0 does, and there is no next page', async () => {
    const { freshchat } = openSandbox();

    const { data } = await freshchat.GET('/agents', { params: { query: { groups: 'nobody' } } });

    expect(data?.pagination).toEqual({ current_page: 1, items_per_page: 20, total_items: 0, total_pages: 0 });
    expect(data?.links).toEqual({
      first_page: { href: '/v2/agents?groups=nobody&page=1&items_per_page=20', rel: 'first_page', type: 'GET' },
      last_page: { href: '/v2/agents?groups=nobody&page=0&items_per_page=20', rel: 'last_page', type: 'GET' },
    });
  });
});

describe('getAgent', () => {
  it('answers the agent with its current status', async () => {
    const { freshchat } = openSandbox();

    const { data, response } = await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: IDS.john } } });

    expect(response.status).toBe(200);
    expect(data).toEqual({
      id: IDS.john,
      first_name: 'John',
      last_name: 'Doe',
      email: 'john.doe@example.com',
      role_id: 'AGENT',
      role_name: 'Agent',
      is_deactivated: false,
      is_deleted: false,
      agent_capacity: 5,
      freshchat_access: true,
      round_robin_access: false,
      login_status: true,
      locale: 'en-US',
      timezone: 'UTC',
      social_profiles: [],
      groups: [],
      availability_status: 'AVAILABLE',
      agent_status: ACTIVE,
      routing_type: 'INTELLIASSIGN',
      created_time: iso(T0),
    });
    expect(response.headers.get('X-RateLimit-Limit')).toBe('5000');
  });

  it('answers 400 naming agent_id when it is not a uuid', async () => {
    const { freshchat } = openSandbox();
    const { error, response } = await freshchat.GET('/agents/{agent_id}', {
      params: { path: { agent_id: 'john' } },
    });
    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message: 'agent_id: must match format "uuid"' });
  });

  it('answers 404 AGENT_NOT_FOUND for an unknown agent', async () => {
    const { freshchat } = openSandbox();
    const { error, response } = await freshchat.GET('/agents/{agent_id}', {
      params: { path: { agent_id: UNKNOWN_ID } },
    });
    expect(response.status).toBe(404);
    expect(error).toEqual({ code: 404, status: 'AGENT_NOT_FOUND', message: 'agent_id: agent not found' });
  });
});

describe('updateAgentStatus', () => {
  it('puts the agent on the named status, records the change as the admin, and GET shows it', async () => {
    const { freshchat, control, advance } = openSandbox();
    await advance(10);

    const { data, response } = await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: { agent_status: { id: IDS.meeting } },
    });

    expect(response.status).toBe(200);
    expect(data).toEqual({ availability_status: 'UNAVAILABLE', agent_status: MEETING });
    expect(response.headers.get('X-RateLimit-Remaining')).toBe('4999');
    const agent = await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: IDS.john } } });
    expect(agent.data?.agent_status).toEqual(MEETING);
    expect(agent.data?.availability_status).toBe('UNAVAILABLE');
    expect(await historyOf(control, IDS.john)).toEqual([
      { at: iso(T0), actor: { actor_type: 'admin', actor_id: ADMIN_ID }, from: null, to: ACTIVE },
      { at: iso(T0 + 10_000), actor: { actor_type: 'admin', actor_id: ADMIN_ID }, from: ACTIVE, to: MEETING },
    ]);
  });

  it('AVAILABLE puts the agent on "Active on IntelliAssign"', async () => {
    const { freshchat } = openSandbox();
    const patch = (body: components['schemas']['AgentStatusUpdate']) =>
      freshchat.PATCH('/agents/{agent_id}', { params: { path: { agent_id: IDS.matt } }, body });
    await patch({ agent_status: { id: IDS.teaBreak } });

    const { data } = await patch({ availability_status: 'AVAILABLE' });

    expect(data).toEqual({ availability_status: 'AVAILABLE', agent_status: ACTIVE });
  });

  it('UNAVAILABLE puts an active agent on "Unavailable"', async () => {
    const { freshchat, control } = openSandbox();

    const { data } = await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.sarah } },
      body: { availability_status: 'UNAVAILABLE' },
    });

    expect(data).toEqual({ availability_status: 'UNAVAILABLE', agent_status: UNAVAILABLE });
    expect((await historyOf(control, IDS.sarah)).map((h) => h.to)).toEqual([ACTIVE, UNAVAILABLE]);
  });

  it('UNAVAILABLE leaves an agent on a custom status where it is, and records nothing', async () => {
    const { freshchat, control, advance } = openSandbox();
    await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.sarah } },
      body: { agent_status: { id: IDS.meeting } },
    });
    await advance(5);

    const { data, response } = await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.sarah } },
      body: { availability_status: 'UNAVAILABLE' },
    });

    expect(response.status).toBe(200);
    expect(data).toEqual({ availability_status: 'UNAVAILABLE', agent_status: MEETING });
    expect((await historyOf(control, IDS.sarah)).map((h) => h.to)).toEqual([ACTIVE, MEETING]);
  });

  it('lets agent_status win when both fields are given', async () => {
    const { freshchat } = openSandbox();

    const { data } = await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: { agent_status: { id: IDS.lunch }, availability_status: 'AVAILABLE' },
    });

    expect(data).toEqual({ availability_status: 'UNAVAILABLE', agent_status: { id: IDS.lunch, name: 'Lunch' } });
  });

  it('accepts a built-in status by id', async () => {
    const { freshchat } = openSandbox();
    const { data } = await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: { agent_status: { id: IDS.unavailable } },
    });
    expect(data).toEqual({ availability_status: 'UNAVAILABLE', agent_status: UNAVAILABLE });
  });

  it('answers 200 and records nothing when the agent already has the status', async () => {
    const { freshchat, control, advance } = openSandbox();
    await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: { agent_status: { id: IDS.meeting } },
    });
    await advance(30);

    const again = await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: { agent_status: { id: IDS.meeting } },
    });
    const available = await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.matt } },
      body: { availability_status: 'AVAILABLE' },
    });

    expect(again.response.status).toBe(200);
    expect(again.data).toEqual({ availability_status: 'UNAVAILABLE', agent_status: MEETING });
    expect(available.data).toEqual({ availability_status: 'AVAILABLE', agent_status: ACTIVE });
    expect(await historyOf(control, IDS.john)).toHaveLength(2);
    expect(await historyOf(control, IDS.matt)).toHaveLength(1);
  });

  it.each([
    ['an unknown status id', { agent_status: { id: UNKNOWN_ID } }, 'agent_status.id: no status with this id'],
    [
      'a status id that is not a uuid',
      { agent_status: { id: 'meeting' } },
      'agent_status.id: must match format "uuid"',
    ],
    ['agent_status without id', { agent_status: {} }, 'agent_status.id: is required'],
    ['an empty object', {}, 'agent_status or availability_status: one is required'],
    [
      'an availability outside the enum',
      { availability_status: 'BUSY' },
      'availability_status: must be one of AVAILABLE, UNAVAILABLE',
    ],
  ])('answers 400 for %s, naming the field', async (_, body, message) => {
    const { freshchat, control } = openSandbox();

    const { error, response } = await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: IDS.john } },
      body: body as never,
    });

    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message });
    expect(await historyOf(control, IDS.john)).toHaveLength(1);
  });

  it('answers 400 for a body that is not an object', async () => {
    const { raw } = openSandbox();
    const response = await raw(`/v2/agents/${IDS.john}`, {
      method: 'PATCH',
      headers: auth({ 'Content-Type': 'application/json' }),
      body: '[1]',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 400, status: 'INVALID_VALUE' });
  });

  it('answers 400 "body: is required" for an empty body', async () => {
    const { raw } = openSandbox();
    expect(
      await answer(
        await raw(`/v2/agents/${IDS.john}`, { method: 'PATCH', headers: auth({ 'Content-Type': 'application/json' }) }),
      ),
    ).toEqual({ status: 400, body: { code: 400, status: 'INVALID_VALUE', message: 'body: is required' } });
  });

  it('answers 400 naming agent_id when the path id is not a uuid', async () => {
    const { freshchat } = openSandbox();
    const { error, response } = await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: '123' } },
      body: { availability_status: 'AVAILABLE' },
    });
    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message: 'agent_id: must match format "uuid"' });
  });

  it('answers 404 AGENT_NOT_FOUND for an unknown agent', async () => {
    const { freshchat } = openSandbox();
    const { error, response } = await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: UNKNOWN_ID } },
      body: { agent_status: { id: IDS.meeting } },
    });
    expect(response.status).toBe(404);
    expect(error).toEqual({ code: 404, status: 'AGENT_NOT_FOUND', message: 'agent_id: agent not found' });
  });

  it('answers 409 AGENT_DEACTIVATED for a deactivated agent, and changes nothing', async () => {
    const { freshchat, control } = openSandbox();
    const created = await control.POST('/_mock/agents', {
      body: { first_name: 'Gone', last_name: 'Away', is_deactivated: true },
    });
    const agentId = created.data?.id ?? '';

    const { error, response } = await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: agentId } },
      body: { agent_status: { id: IDS.meeting } },
    });

    expect(created.response.status).toBe(201);
    expect(response.status).toBe(409);
    expect(error).toEqual({
      code: 409,
      status: 'AGENT_DEACTIVATED',
      message: 'agent_id: agent is deactivated and cannot change status',
    });
    expect((await historyOf(control, agentId)).map((h) => h.to)).toEqual([ACTIVE]);
  });

  it('answers 413 for a body over 64 KiB, and accepts one of exactly 64 KiB', async () => {
    const { raw } = openSandbox();
    const json = JSON.stringify({ agent_status: { id: IDS.meeting } });
    const patch = (body: string) =>
      raw(`/v2/agents/${IDS.john}`, { method: 'PATCH', headers: auth({ 'Content-Type': 'application/json' }), body });

    const tooLarge = await patch(json + ' '.repeat(64 * 1024 + 1 - json.length));
    const largest = await patch(json + ' '.repeat(64 * 1024 - json.length));

    expect(await answer(tooLarge)).toEqual({
      status: 413,
      body: { code: 413, status: 'PAYLOAD_TOO_LARGE', message: 'body: must not be larger than 65536 bytes' },
    });
    expect(largest.status).toBe(200);
  });

  it('answers 413 from a declared Content-Length before reading the body', async () => {
    const { raw } = openSandbox();
    const response = await raw(`/v2/agents/${IDS.john}`, {
      method: 'PATCH',
      headers: auth({ 'Content-Type': 'application/json', 'Content-Length': String(10 * 1024 * 1024) }),
      body: new ReadableStream({ pull: () => new Promise(() => {}) }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('answers 415 for a body that is not declared JSON', async () => {
    const { raw } = openSandbox();
    const response = await raw(`/v2/agents/${IDS.john}`, {
      method: 'PATCH',
      headers: auth({ 'Content-Type': 'text/plain' }),
      body: JSON.stringify({ agent_status: { id: IDS.meeting } }),
    });
    expect(await answer(response)).toEqual({
      status: 415,
      body: { code: 415, status: 'UNSUPPORTED_MEDIA_TYPE', message: 'Content-Type: must be application/json' },
    });
  });

  it('accepts application/json with a charset and a +json media type', async () => {
    const { raw } = openSandbox();
    const body = JSON.stringify({ agent_status: { id: IDS.meeting } });
    for (const type of ['application/json; charset=utf-8', 'application/merge-patch+json']) {
      const response = await raw(`/v2/agents/${IDS.john}`, {
        method: 'PATCH',
        headers: auth({ 'Content-Type': type }),
        body,
      });
      expect(response.status, type).toBe(200);
    }
  });

  it('answers 400 MALFORMED_JSON for a body that does not parse', async () => {
    const { raw } = openSandbox();
    const response = await raw(`/v2/agents/${IDS.john}`, {
      method: 'PATCH',
      headers: auth({ 'Content-Type': 'application/json' }),
      body: '{"agent_status": {',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 400,
      status: 'MALFORMED_JSON',
      message: expect.stringMatching(/^body: malformed JSON \(.+\)$/),
    });
  });

  it('answers 401 without a token', async () => {
    const { raw } = openSandbox();
    const response = await raw(`/v2/agents/${IDS.john}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ agent_status: { id: IDS.meeting } }),
    });
    expect(await answer(response)).toEqual({
      status: 401,
      body: { code: 401, status: 'UNAUTHORIZED', message: 'Authorization: a bearer token is required' },
    });
  });
});
