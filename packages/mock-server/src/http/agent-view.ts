import type { components } from '@freshchat-sandbox/openapi/types/freshchat';
import type { Account } from '../domain/accounts/account.js';
import type { Agent } from '../domain/agents/agent-roster.js';

/**
 * An agent as Freshchat's API shows it. The account's admin (the token's owner) is `ADMIN`; the fields Freshchat's
 * pages and Airbyte's schema record and the sandbox does not model (capacity, access flags) have fixed values.
 */
export function agentView(account: Account, agent: Agent): components['schemas']['Agent'] {
  const status = account.agents.currentStatus(agent.id);
  const admin = agent.id === account.adminId;
  return {
    id: agent.id,
    first_name: agent.firstName,
    last_name: agent.lastName,
    email: agent.email,
    role_id: admin ? 'ADMIN' : 'AGENT',
    role_name: admin ? 'Admin' : 'Agent',
    is_deactivated: agent.isDeactivated,
    is_deleted: false,
    agent_capacity: 5,
    freshchat_access: true,
    round_robin_access: false,
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
