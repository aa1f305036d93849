import { describe, expect, it } from 'vitest';
import type { ContractTarget } from '../target.js';
import { controlClient, expectError, freshchatClient, ok, SANDBOX_ONLY, SEED, send, UNKNOWN_ID } from './context.js';

/** How many pages the pagination walk follows at most (a real account can hold many agents). */
const MAX_PAGES = 10;
/** The version prefix of the API's paths (`https://api.freshchat.com/v2`), which paging links carry. */
const VERSION_PREFIX = '/v2';

/**
 * Registers the checks of `GET /agents` and `GET /agents/{agent_id}`: pagination and its links, validation of the
 * query and the id, 404 for an unknown agent; on the sandbox, filters and the isolation of accounts.
 *
 * @example
 * describe('my Freshchat target', () => agentChecks(target));
 */
export function agentChecks(target: ContractTarget): void {
  const sandboxIt = it.skipIf(!target.sandbox);
  describe('GET /agents (listAgents)', () => {
    it('200: one page, with pagination that adds up and links to the first and last pages', async () => {
      const page = ok(
        await freshchatClient(target).GET('/agents', { params: { query: { items_per_page: 2 } } }),
        'list agents',
      );
      expect(page.agents.length).toBeLessThanOrEqual(2);
      expect(page.pagination).toMatchObject({ current_page: 1, items_per_page: 2 });
      expect(page.pagination.total_pages).toBe(Math.ceil(page.pagination.total_items / 2));
      expect(page.links.first_page).toMatchObject({ rel: 'first_page', type: 'GET' });
      expect(page.links.last_page).toMatchObject({ rel: 'last_page', type: 'GET' });
      if (page.pagination.total_pages > 1) expect(page.links.next_page).toBeDefined();
      expect(page.links.previous_page).toBeUndefined();
    });

    it('following next_page, joined with the host, walks the agents page by page, each agent once', async () => {
      // Links carry the version prefix (`/v2/agents?page=2…`), so a consumer joins them with the host; here the
      // prefix is taken off, as the target's base URL already ends in it (or, through Prism, stands for it).
      const seen: string[] = [];
      let href: string | undefined = `${VERSION_PREFIX}/agents?items_per_page=2`;
      let total = 0;
      let pages = 0;
      while (href && pages < MAX_PAGES) {
        expect(href.startsWith(`${VERSION_PREFIX}/agents?`), href).toBe(true);
        const response = await send(target, { method: 'GET', path: href.slice(VERSION_PREFIX.length) });
        expect(response.status).toBe(200);
        const page = (await response.json()) as {
          agents: { id: string }[];
          pagination: { total_items: number; current_page: number };
          links: { next_page?: { href: string } };
        };
        pages++;
        expect(page.pagination.current_page).toBe(pages);
        total = page.pagination.total_items;
        seen.push(...page.agents.map((a) => a.id));
        href = page.links.next_page?.href;
      }
      expect(new Set(seen).size).toBe(seen.length);
      if (!href) expect(seen.length).toBe(total);
    });

    it('400: items_per_page above 50, naming the field', async () => {
      await expectError(await send(target, { method: 'GET', path: '/agents?items_per_page=51' }), 400, {
        field: 'items_per_page',
      });
    });

    it('400: a sort_by the document does not list, naming the field', async () => {
      await expectError(await send(target, { method: 'GET', path: '/agents?sort_by=shoe_size' }), 400, {
        field: 'sort_by',
      });
    });

    sandboxIt(`the availability_status filter follows status changes ${SANDBOX_ONLY}`, async () => {
      const freshchat = freshchatClient(target);
      ok(
        await freshchat.PATCH('/agents/{agent_id}', {
          params: { path: { agent_id: SEED.agents.johnDoe } },
          body: { agent_status: { id: SEED.customStatuses.Lunch } },
        }),
        'patch',
      );
      const unavailable = ok(
        await freshchat.GET('/agents', { params: { query: { availability_status: 'UNAVAILABLE' } } }),
        'list',
      );
      expect(unavailable.agents.map((a) => a.id)).toEqual([SEED.agents.johnDoe]);
      const available = ok(
        await freshchat.GET('/agents', { params: { query: { availability_status: 'AVAILABLE', items_per_page: 50 } } }),
        'list',
      );
      expect(available.agents.map((a) => a.id)).not.toContain(SEED.agents.johnDoe);
      expect(available.agents.every((a) => a.availability_status === 'AVAILABLE')).toBe(true);
    });
  });

  describe('GET /agents/{agent_id} (getAgent)', () => {
    it('200: an agent from the list, as the list shows it', async () => {
      const freshchat = freshchatClient(target);
      const { agents } = ok(await freshchat.GET('/agents', { params: { query: { items_per_page: 1 } } }), 'list');
      const listed = agents[0];
      if (!listed) return; // an account without agents: nothing to read
      const agent = ok(await freshchat.GET('/agents/{agent_id}', { params: { path: { agent_id: listed.id } } }), 'get');
      const { id, first_name, last_name, email, availability_status, agent_status, is_deactivated } = listed;
      expect(agent).toMatchObject({
        id,
        first_name,
        last_name,
        email,
        availability_status,
        agent_status,
        is_deactivated,
      });
      expect(agent.availability_status === 'AVAILABLE').toBe(agent.agent_status.name === 'Active on IntelliAssign');
    });

    it('400: an id that is not a UUID, naming agent_id', async () => {
      await expectError(await send(target, { method: 'GET', path: '/agents/not-a-uuid' }), 400, { field: 'agent_id' });
    });

    it('404: an id no agent has, AGENT_NOT_FOUND', async () => {
      await expectError(await send(target, { method: 'GET', path: `/agents/${UNKNOWN_ID}` }), 404, {
        code: 'AGENT_NOT_FOUND',
      });
    });

    sandboxIt(`404: another account's agent ${SANDBOX_ONLY}`, async () => {
      const other = ok(
        await controlClient(target).POST('/_mock/accounts', {
          body: { agents: [{ first_name: 'Ada', last_name: 'Lovelace' }] },
        }),
        'create account',
      );
      const theirs = ok(
        await freshchatClient(target, other.token).GET('/agents', { params: { query: {} } }),
        'their agents',
      );
      const id = theirs.agents[0]?.id;
      expect(id).toBeDefined();
      await expectError(await send(target, { method: 'GET', path: `/agents/${id}` }), 404);
    });
  });
}
