import { DomainError } from '../domain-error.js';
import type { Actor, HistoryEntry } from '../history/history-entry.js';
import type { StatusHistory } from '../history/status-history.js';
import { type IdSource, randomIds } from '../id-source.js';
import { emailFromName } from './agent-email.js';
import type { AgentStatus, StatusCatalog } from './agent-status.js';

/** How chats reach an agent. */
export type AgentRoutingType = 'INTELLIASSIGN' | 'OCR' | 'DISABLED';

/** An agent of an account. Its current status is the latest entry of the account's history. */
export type Agent = {
  readonly id: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly isDeactivated: boolean;
  /** Whether the agent is logged in; an offline agent cannot be made AVAILABLE through the API. */
  readonly loginStatus: boolean;
  readonly routingType: AgentRoutingType;
  readonly groups: readonly string[];
  /** Epoch ms. */
  readonly createdAt: number;
};

/** A status change as the API asks for it: a status id, an availability, or both (then the status id wins). */
export type StatusChange = {
  agent_status?: { id: string } | undefined;
  availability_status?: 'AVAILABLE' | 'UNAVAILABLE' | undefined;
};

/** What a status change did. `changed` is false when the agent already had the status (nothing recorded). */
export type StatusChangeResult = {
  agent: Agent;
  status: AgentStatus | { id: string; name: string };
  availability: 'AVAILABLE' | 'UNAVAILABLE';
  changed: boolean;
  entry: HistoryEntry | undefined;
};

/** A new agent as `planAdd` decided it: who, on which status since when, chosen by whom. */
export type AgentPlan = { agent: Agent; status: { id: string; name: string }; since: number; actor: Actor };

/** What `planStatusChange` decided: the new status, or `changed: false` when the agent is on it already. */
export type StatusChangePlan = Omit<StatusChangeResult, 'entry'> & { active: boolean };

/**
 * What a planned change did: the plan, less `active`, with the history entry it recorded (none when nothing changed).
 * Its fields are named, not copied with an object rest and spread, which cost a PATCH about a microsecond
 * (bench/NOTES.md).
 */
export function statusChangeResult(plan: StatusChangePlan, entry: HistoryEntry | undefined): StatusChangeResult {
  return { agent: plan.agent, status: plan.status, availability: plan.availability, changed: plan.changed, entry };
}

/** What `add` is given: an agent's fields, the defaults left out. */
type AgentInput = Omit<Agent, 'id' | 'email' | 'isDeactivated' | 'loginStatus' | 'routingType' | 'groups'> & {
  id?: string | undefined;
  email?: string | undefined;
  isDeactivated?: boolean | undefined;
  loginStatus?: boolean | undefined;
  routingType?: AgentRoutingType | undefined;
  groups?: readonly string[] | undefined;
  statusId?: string | undefined;
  since: number;
  actor: Actor;
};

/** Which agents `list` returns and in which order. */
export type AgentQuery = {
  page: number;
  itemsPerPage: number;
  sortBy: 'first_name' | 'last_name' | 'email' | 'created_time';
  sortOrder: 'asc' | 'desc';
  groups?: string | undefined;
  isDeactivated?: boolean | undefined;
  availabilityStatus?: 'AVAILABLE' | 'UNAVAILABLE' | undefined;
  /** Only agents created at or after this clock time (epoch ms). */
  createdFrom?: number | undefined;
};

const SORT_KEYS = {
  first_name: (a: Agent) => a.firstName.toLowerCase(),
  last_name: (a: Agent) => a.lastName.toLowerCase(),
  email: (a: Agent) => a.email.toLowerCase(),
  created_time: (a: Agent) => a.createdAt,
} as const;

/** One account's agents, and the rules for changing their status. */
export class AgentRoster {
  private readonly agents = new Map<string, Agent>();

  constructor(
    private readonly statuses: StatusCatalog,
    private readonly history: StatusHistory,
    private readonly newId: IdSource = randomIds,
  ) {}

  /** Adds an agent on `statusId` (default "Active on IntelliAssign") since `since`. */
  add(input: AgentInput): Agent {
    const plan = this.planAdd(input);
    this.put(plan);
    return plan.agent;
  }

  /** The agent `add` would add (its id drawn when not given), refused as `add` refuses; nothing changes. */
  planAdd(input: AgentInput): AgentPlan {
    // The schema's date-time admits a leap second (23:59:60), which names no instant JavaScript knows.
    if (Number.isNaN(input.since)) throw new DomainError('invalid', 'INVALID_VALUE', 'since: not a valid date-time');
    const id = input.id ?? this.newId();
    if (this.agents.has(id)) throw new DomainError('conflict', 'AGENT_EXISTS', `id: an agent with id ${id} exists`);
    // An unknown status is bad input (`invalid`), like in a status change, not a missing resource.
    const status = this.statuses.find(input.statusId ?? this.statuses.active.id);
    if (!status) throw new DomainError('invalid', 'INVALID_VALUE', 'agent_status_id: no status with this id');
    const email = input.email ?? emailFromName(input.firstName, input.lastName, id);
    const agent: Agent = {
      id,
      firstName: input.firstName,
      lastName: input.lastName,
      email,
      isDeactivated: input.isDeactivated ?? false,
      loginStatus: input.loginStatus ?? true,
      routingType: input.routingType ?? 'INTELLIASSIGN',
      groups: input.groups ?? [],
      createdAt: input.createdAt,
    };
    return { agent, status: { id: status.id, name: status.name }, since: input.since, actor: input.actor };
  }

  /** Adds the agent a plan describes, and its first history entry. */
  put(plan: AgentPlan): void {
    this.agents.set(plan.agent.id, plan.agent);
    this.history.record({
      agentId: plan.agent.id,
      statusId: plan.status.id,
      statusName: plan.status.name,
      active: this.statuses.isActive(plan.status.id),
      at: plan.since,
      actor: plan.actor,
    });
  }

  /**
   * Adds an agent as the control API does at clock time `now`: created now, on its status since `since` (now when
   * left out), which must be neither in the future nor earlier than the last recorded status change (the history
   * is kept in clock order); `invalid` (`INVALID_VALUE`) otherwise. The other checks are {@link add}'s.
   */
  hire(input: Omit<AgentInput, 'createdAt' | 'since'> & { since?: number | undefined }, now: number): Agent {
    const plan = this.planHire(input, now);
    this.put(plan);
    return plan.agent;
  }

  /** The agent `hire` would add, refused as `hire` refuses; nothing changes. */
  planHire(input: Omit<AgentInput, 'createdAt' | 'since'> & { since?: number | undefined }, now: number): AgentPlan {
    const since = input.since ?? now;
    if (since > now || since < this.history.lastAt) {
      throw new DomainError(
        'invalid',
        'INVALID_VALUE',
        'since: must not be in the future nor earlier than the last recorded status change',
      );
    }
    return this.planAdd({ ...input, createdAt: now, since });
  }

  /**
   * Adds an agent whose history the account's history already holds (a simulation backfills it first); a `conflict` when
   * the id is taken.
   */
  enroll(agent: Agent): Agent {
    if (this.agents.has(agent.id))
      throw new DomainError('conflict', 'AGENT_EXISTS', `id: an agent with id ${agent.id} exists`);
    if (!this.history.current(agent.id)) throw new RangeError(`agent ${agent.id} has no history`);
    this.agents.set(agent.id, agent);
    return agent;
  }

  /** How many agents there are (none is ever removed). */
  get size(): number {
    return this.agents.size;
  }

  /**
   * Enrolls `agents` (see {@link enroll}) as if they had come when the roster held `position` agents: those enrolled
   * since come after them, in the order a replay of the events would give (a simulation applied in steps).
   */
  enrollAt(agents: Agent[], position: number): void {
    for (const agent of agents) this.enroll(agent);
    if (position >= this.agents.size - agents.length) return;
    const all = [...this.agents.values()];
    const later = all.slice(position, all.length - agents.length);
    this.agents.clear();
    for (const agent of [...all.slice(0, position), ...agents, ...later]) this.agents.set(agent.id, agent);
  }

  /** Whether an agent has this id. */
  has(id: string): boolean {
    return this.agents.has(id);
  }

  /** The agent with this id; `not_found` (`AGENT_NOT_FOUND`) otherwise. */
  get(id: string): Agent {
    const agent = this.agents.get(id);
    if (!agent) throw new DomainError('not_found', 'AGENT_NOT_FOUND', 'agent_id: agent not found');
    return agent;
  }

  /** Logs the agent in (`true`) or out (`false`); its status is left as it is. */
  setLoginStatus(id: string, loginStatus: boolean): Agent {
    const agent = { ...this.get(id), loginStatus };
    this.agents.set(id, agent);
    return agent;
  }

  /** The status the agent is on now. */
  currentStatus(agentId: string): { id: string; name: string; active: boolean } {
    const entry = this.history.current(agentId) as HistoryEntry;
    // The catalog holds the live name; a status deleted while nobody is on it cannot be current.
    const live = this.statuses.find(entry.statusId);
    return { id: entry.statusId, name: live?.name ?? entry.statusName, active: entry.active };
  }

  /** How many agents are on the status now. */
  countOn(statusId: string): number {
    let n = 0;
    for (const agent of this.agents.values()) if (this.history.current(agent.id)?.statusId === statusId) n++;
    return n;
  }

  /** Every agent, in order of creation. */
  all(): Agent[] {
    return [...this.agents.values()];
  }

  /** One page of agents, filtered and sorted. */
  list(query: AgentQuery): { agents: Agent[]; totalItems: number; totalPages: number } {
    const matching = this.all().filter(
      (a) =>
        (query.groups === undefined || a.groups.includes(query.groups)) &&
        (query.isDeactivated === undefined || a.isDeactivated === query.isDeactivated) &&
        (query.createdFrom === undefined || a.createdAt >= query.createdFrom) &&
        (query.availabilityStatus === undefined ||
          (this.currentStatus(a.id).active ? 'AVAILABLE' : 'UNAVAILABLE') === query.availabilityStatus),
    );
    const key = SORT_KEYS[query.sortBy];
    const direction = query.sortOrder === 'desc' ? -1 : 1;
    matching.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return (ka < kb ? -1 : ka > kb ? 1 : 0) * direction;
    });
    const start = (query.page - 1) * query.itemsPerPage;
    return {
      agents: matching.slice(start, start + query.itemsPerPage),
      totalItems: matching.length,
      totalPages: Math.ceil(matching.length / query.itemsPerPage),
    };
  }

  /**
   * Applies a status change made by `actor` at `at`. `agent_status` wins over `availability_status`; AVAILABLE
   * means "Active on IntelliAssign"; UNAVAILABLE means "Unavailable" unless the agent is already on a status that
   * counts as unavailable. A change to the status the agent already has records nothing. A deactivated agent, and
   * an offline agent asked to become AVAILABLE, are a `conflict`.
   */
  changeStatus(agentId: string, change: StatusChange, actor: Actor, at: number): StatusChangeResult {
    const plan = this.planStatusChange(agentId, change);
    if (!plan.changed) return statusChangeResult(plan, undefined);
    const { status, active } = plan;
    const entry = this.history.record({ agentId, statusId: status.id, statusName: status.name, active, at, actor });
    return statusChangeResult(plan, entry);
  }

  /** What `changeStatus` would do, refused as it refuses; nothing changes. */
  planStatusChange(agentId: string, change: StatusChange): StatusChangePlan {
    const agent = this.get(agentId);
    const current = this.currentStatus(agentId);
    let target: AgentStatus | { id: string; name: string };
    if (change.agent_status) {
      const status = this.statuses.find(change.agent_status.id);
      if (!status) throw new DomainError('invalid', 'INVALID_VALUE', 'agent_status.id: no status with this id');
      target = status;
    } else if (change.availability_status === 'AVAILABLE') {
      target = this.statuses.active;
    } else if (change.availability_status === 'UNAVAILABLE') {
      target = current.active ? this.statuses.unavailable : current;
    } else {
      throw new DomainError('invalid', 'INVALID_VALUE', 'body: give agent_status or availability_status');
    }
    if (agent.isDeactivated) {
      throw new DomainError('conflict', 'AGENT_DEACTIVATED', 'agent_id: agent is deactivated and cannot change status');
    }
    const active = this.statuses.isActive(target.id);
    // Freshchat refuses (a 409) when an offline agent is asked to take chats; other statuses stay open to it.
    if (active && !agent.loginStatus) {
      throw new DomainError('conflict', 'AGENT_OFFLINE', 'agent_id: agent is offline and cannot be made AVAILABLE');
    }
    const availability = active ? 'AVAILABLE' : 'UNAVAILABLE';
    return { agent, status: target, availability, changed: target.id !== current.id, active };
  }
}
