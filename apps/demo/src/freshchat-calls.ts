import { type Agent, FreshchatApiError, type FreshchatClient } from '@freshchat-sandbox/client';

/**
 * The data of an openapi-fetch answer, or a `FreshchatApiError` (whose message is the error body's message) when
 * the answer is an error.
 *
 * @example
 * const { states } = dataOf(await freshchat.GET('/agents/status'));
 */
export function dataOf<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.data !== undefined && answer.response.ok) return answer.data;
  throw FreshchatApiError.fromAnswer(answer.response, answer.error);
}

/**
 * Every agent of the account, following `GET /agents`'s pages (50 agents a page, the most it allows).
 *
 * @example
 * const agents = await listAllAgents(freshchat);
 */
export async function listAllAgents(freshchat: FreshchatClient): Promise<Agent[]> {
  const agents: Agent[] = [];
  for (let page = 1; ; page++) {
    const list = dataOf(
      await freshchat.GET('/agents', { params: { query: { page, items_per_page: 50, sort_by: 'first_name' } } }),
    );
    agents.push(...list.agents);
    if (list.agents.length === 0 || page >= list.pagination.total_pages) return agents;
  }
}

/** An agent's display name. */
export function agentName(agent: Pick<Agent, 'first_name' | 'last_name'>): string {
  return `${agent.first_name} ${agent.last_name}`.trim();
}
