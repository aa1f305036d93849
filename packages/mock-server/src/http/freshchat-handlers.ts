import type { components } from '@freshchat-sandbox/client';
import type { StatusCatalog } from '../domain/agent-status.js';
import { reportInterval, reportStatus } from '../domain/report-job.js';
import { agentView } from './agent-view.js';
import type { OperationHandlers, OperationReply } from './operation-types.js';
import { reportLinks } from './report-view.js';

type PageLink = components['schemas']['PageLink'];

/**
 * `GET /agents/status` replies, serialized once per account and kept until its statuses change: building and
 * serializing the list was about 1.7 µs of a 4 µs pipeline, and clients poll it.
 */
const statusLists = new WeakMap<StatusCatalog, { revision: number; reply: OperationReply<'listAgentStatuses'> }>();

/** Handlers of the Freshchat API's operations (`/v2`). */
export const freshchatHandlers: OperationHandlers<
  'listAgentStatuses' | 'listAgents' | 'getAgent' | 'updateAgentStatus' | 'requestRawReport' | 'getRawReport'
> = {
  listAgentStatuses: ({ account }) => {
    const catalog = account.statuses;
    const kept = statusLists.get(catalog);
    if (kept?.revision === catalog.revision) return kept.reply;
    const body = { states: catalog.custom().map(({ id, name }) => ({ id, name })) };
    const reply = { status: 200 as const, body, json: JSON.stringify(body) };
    statusLists.set(catalog, { revision: catalog.revision, reply });
    return reply;
  },

  listAgents: ({ account, query }) => {
    const page = query.page ?? 1;
    const itemsPerPage = query.items_per_page ?? 20;
    const { agents, totalItems, totalPages } = account.agents.list({
      page,
      itemsPerPage,
      sortBy: query.sort_by ?? 'created_time',
      sortOrder: query.sort_order ?? 'asc',
      groups: query.groups,
      isDeactivated: query.is_deactivated,
      availabilityStatus: query.availability_status,
    });
    // Links keep the caller's filters and order, so following them walks the same list.
    const link = (rel: string, n: number): PageLink => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
      params.set('page', String(n));
      params.set('items_per_page', String(itemsPerPage));
      return { href: `/agents?${params}`, rel, type: 'GET' };
    };
    const last = Math.max(totalPages, 1);
    return {
      status: 200,
      body: {
        agents: agents.map((agent) => agentView(account, agent)),
        pagination: {
          current_page: page,
          items_per_page: itemsPerPage,
          total_items: totalItems,
          total_pages: totalPages,
        },
        links: {
          first_page: link('first_page', 1),
          last_page: link('last_page', last),
          ...(page < last ? { next_page: link('next_page', page + 1) } : {}),
          ...(page > 1 ? { previous_page: link('previous_page', Math.min(page - 1, last)) } : {}),
        },
      },
    };
  },

  getAgent: ({ account, path }) => ({ status: 200, body: agentView(account, account.agents.get(path.agent_id)) }),

  updateAgentStatus: ({ account, sandbox, path, body }) => {
    const result = sandbox.changeStatus(account, path.agent_id, body, { type: 'admin', id: account.adminId });
    return {
      status: 200,
      body: {
        availability_status: result.availability,
        agent_status: { id: result.status.id, name: result.status.name },
      },
    };
  },

  requestRawReport: ({ account, sandbox, body }) => {
    const job = sandbox.requestReport(account, body);
    return { status: 202, body: { id: job.id, link: { rel: 'extracts', href: `/reports/raw/${job.id}` } } };
  },

  getRawReport: ({ account, sandbox, path, origin }) => {
    const job = account.report(path.id);
    const now = sandbox.clock.now();
    const status = reportStatus(job, now);
    // Links are signed afresh by every GET, each valid an hour from now.
    const links = reportLinks(sandbox, account, job, origin, now);
    return { status: 200, body: { id: job.id, status, interval: reportInterval(job), links } };
  },
};
