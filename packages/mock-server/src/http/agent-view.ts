import type { components } from '@freshchat-sandbox/openapi/types/freshchat';
import type { Account } from '../domain/accounts/account.js';
import type { Agent } from '../domain/agents/agent-roster.js';

/** An agent as Freshchat's API shows it. */
export function agentView(account: Account, agent: Agent): components['schemas']['Agent'] {
  const status = account.agents.currentStatus(agent.id);
  return {
    id: agent.id,
    first_name: agent.firstName,
    last_name: agent.lastName,
    email: agent.email,
    role_id: 'AGENT',
    is_deactivated: agent.isDeactivated,
    login_status: agent.loginStatus,
    locale: 'en-US',
    timezone: 'UTC',
    social_profiles: [],
    groups: [...agent.groups],
    availability_status: status.active ? 'AVAILABLE' : 'UNAVAILABLE',
    agent_status: { id: status.id, name: status.name },
    routing_type: agent.routingType,
    created_time: new Date(agent.createdAt).toISOString(),
  };
}
