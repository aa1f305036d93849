import type { components } from '@freshchat-sandbox/openapi/types/freshchat';
import type { StatusCatalog } from '../domain/agents/agent-status.js';
import { requestReport } from '../domain/events/account-commands.js';
import { whenDone } from '../domain/events/event-sink.js';
import type { DownloadLinkSigner } from '../domain/reports/download-link.js';
import { issueDownloadLinks, type ReportJob, reportInterval, reportStatus } from '../domain/reports/report-job.js';
import { type FreshchatOperationId, freshchatDocument, operationRoutes } from '../generated/documents.js';
import { agentView } from './agent-view.js';
import type { OperationHandlers, OperationReply } from './operation-types.js';
import { reportPartViews } from './report-view.js';

type PageLink = components['schemas']['PageLink'];

type ListAgentsDocument = {
  paths: { '/agents': { get: { parameters: { name: string; in: string }[] } } };
};

/** Where `listAgents` is served, `/v2` included: paging links carry the version prefix as Freshchat's do. */
const LIST_AGENTS_PATH = operationRoutes.find((r) => r.operationId === 'listAgents')?.path as string;

/** The query parameters `listAgents` declares: the only ones its paging links carry over. */
const LIST_AGENTS_PARAMS: readonly string[] = (freshchatDocument as unknown as ListAgentsDocument).paths[
  '/agents'
].get.parameters
  .filter((p) => p.in === 'query')
  .map((p) => p.name);

/**
 * `GET /agents/status` replies, serialized once per account and kept until its statuses change: clients poll it,
 * and building and serializing the list was a large part of the request's cost (bench/NOTES.md).
 */
const statusLists = new WeakMap<StatusCatalog, { revision: number; reply: OperationReply<'listAgentStatuses'> }>();

/**
 * `GET /reports/raw/{id}` replies, serialized once per job and kept for the clock-second they were made in: the
 * reply (its links' issue time, their signatures, the job's status) can only change when the second, the origin
 * asked, the job (replaced, never changed in place) or its status does, and signing every link on every GET was
 * most of the request's cost (bench/NOTES.md).
 */
const reportReplies = new WeakMap<
  ReportJob,
  { second: number; origin: string; status: string; links: DownloadLinkSigner; reply: OperationReply<'getRawReport'> }
>();

/** Handlers of the Freshchat API's operations (`/v2`). */
export const freshchatHandlers: OperationHandlers<FreshchatOperationId> = {
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
      createdFrom: query.created_from === undefined ? undefined : Date.parse(query.created_from),
    });
    // Links keep the caller's declared filters and order, so following them walks the same list.
    const given = query as Record<string, unknown>;
    const link = (rel: string, n: number): PageLink => {
      const params = new URLSearchParams();
      for (const key of LIST_AGENTS_PARAMS) if (given[key] !== undefined) params.set(key, String(given[key]));
      params.set('page', String(n));
      params.set('items_per_page', String(itemsPerPage));
      return { href: `${LIST_AGENTS_PATH}?${params}`, rel, type: 'GET' };
    };
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
          // Page `total_pages`: page 0 when nothing matches, as `total_pages: 0` says.
          last_page: link('last_page', totalPages),
          ...(page < totalPages ? { next_page: link('next_page', page + 1) } : {}),
          ...(page > 1 ? { previous_page: link('previous_page', Math.min(page - 1, Math.max(totalPages, 1))) } : {}),
        },
      },
    };
  },

  getAgent: ({ account, path }) => ({ status: 200, body: agentView(account, account.agents.get(path.agent_id)) }),

  updateAgentStatus: ({ account, sandbox, path, body }) =>
    whenDone(sandbox.changeStatus(account, path.agent_id, body, { type: 'admin', id: account.adminId }), (result) => ({
      status: 200 as const,
      body: {
        availability_status: result.availability,
        agent_status: { id: result.status.id, name: result.status.name },
      },
    })),

  requestRawReport: ({ account, sandbox, body }) =>
    whenDone(requestReport(sandbox, account, body), (job) => ({
      status: 202 as const,
      body: { id: job.id, link: { rel: 'extracts' as const, href: `/reports/raw/${job.id}` } },
    })),

  getRawReport: ({ account, sandbox, path, origin }) => {
    const job = account.report(path.id);
    const now = sandbox.clock.now();
    const status = reportStatus(job, now);
    const second = Math.floor(now / 1000);
    const kept = reportReplies.get(job);
    if (kept?.second === second && kept.status === status && kept.origin === origin && kept.links === sandbox.links)
      return kept.reply;
    const links = reportPartViews(issueDownloadLinks(job, account.appId, sandbox.links, now), origin, sandbox.links);
    const body = { id: job.id, status, interval: reportInterval(job), links };
    const reply = { status: 200 as const, body, json: JSON.stringify(body) };
    reportReplies.set(job, { second, origin, status, links: sandbox.links, reply });
    return reply;
  },
};
