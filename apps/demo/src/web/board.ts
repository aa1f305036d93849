import type { Agent } from '@freshchat-sandbox/client';
import type { AgentAvailabilityEvent } from '@freshchat-sandbox/webhook-types';
import { agentName } from '../freshchat-calls.js';
import { BUILT_IN_STATUS_NAMES } from '../time-per-status.js';

/**
 * A status the supervisor can put an agent on. `key` is what the page sends back: `id:<uuid>` to set a status by
 * id, or `availability:AVAILABLE|UNAVAILABLE` for the built-in ones when their ids are not known (a real account:
 * Freshchat's `GET /agents/status` lists the custom statuses only).
 */
export type StatusChoice = {
  key: string;
  id: string | null;
  name: string;
  emoji: string;
  builtIn: boolean;
};

/** One line of the board. */
export type BoardAgent = {
  id: string;
  name: string;
  email: string;
  statusId: string;
  statusName: string;
  /** The `StatusChoice.key` the agent's status matches, for the dropdown. */
  statusKey: string;
  availability: 'AVAILABLE' | 'UNAVAILABLE';
  /** Since when the agent has been on its status (ISO, on the API's clock). */
  since: string;
  /** False when `since` is only when the board first saw the agent (a real account, before any webhook). */
  sinceKnown: boolean;
  /** The last verified webhook that changed this line. */
  lastChange: { actorType: string; at: string; source: 'webhook' | 'api answer' } | null;
};

/** One entry of the board's event log. */
export type BoardEvent = {
  at: string;
  kind: 'verified' | 'refused' | 'api answer';
  text: string;
};

/** What a change did to the board: the line as it is now, or why nothing changed. */
export type BoardChange = { agent: BoardAgent; event: BoardEvent } | { ignored: string; event: BoardEvent };

/**
 * The supervisor's board: every agent with its status and since when, kept up to date from verified
 * `agent_availability` webhooks. Pure state, no HTTP.
 *
 * @example
 * const board = new Board();
 * board.setStatuses(choices);
 * board.setAgents(agents, (agent) => historySince.get(agent.id));
 * const change = board.applyWebhook(event, 'evt-1');
 */
export class Board {
  private agents = new Map<string, BoardAgent>();
  private choices: StatusChoice[] = [];
  private readonly events: BoardEvent[] = [];
  private readonly seenEventIds = new Set<string>();

  /** @param now when "now" is, for agents whose `since` is not known (ISO) */
  constructor(private readonly now: () => string = () => new Date().toISOString()) {}

  /** Replaces the status choices; agents' `statusKey` and names follow. */
  setStatuses(choices: StatusChoice[]): void {
    this.choices = choices;
    for (const agent of this.agents.values()) {
      const choice = choices.find((c) => c.id === agent.statusId);
      if (choice) agent.statusName = choice.name;
      agent.statusKey = this.keyOf(agent.statusId, agent.statusName);
    }
  }

  /** Replaces the agents (a fresh `GET /agents`), keeping what the board knew of agents it already had. */
  setAgents(agents: readonly Agent[], knownSince: (agent: Agent) => string | undefined): void {
    const next = new Map<string, BoardAgent>();
    for (const agent of agents) next.set(agent.id, this.lineOf(agent, knownSince(agent)));
    this.agents = next;
  }

  has(agentId: string): boolean {
    return this.agents.has(agentId);
  }

  get(agentId: string): BoardAgent | undefined {
    return this.agents.get(agentId);
  }

  /** Adds an agent first seen in a webhook (created after the board loaded). */
  addAgent(agent: Agent): void {
    if (!this.agents.has(agent.id)) this.agents.set(agent.id, this.lineOf(agent, undefined));
  }

  /**
   * Applies a verified `agent_availability` event. A retry of an event already applied, or an event older than what
   * the board shows (deliveries can overtake each other), changes nothing.
   */
  applyWebhook(event: AgentAvailabilityEvent, eventId: string | undefined): BoardChange {
    const { agent_id, status, metadata } = event.data.agent_availability;
    const agent = this.agents.get(agent_id);
    const who = agent?.name ?? agent_id;
    const text = `${who} → ${metadata.agent_status.name} (${event.actor.actor_type}, ${status})`;
    if (eventId !== undefined && this.seenEventIds.has(eventId)) {
      return { ignored: 'a retry of an event already applied', event: this.log(event.action_time, 'verified', text) };
    }
    if (eventId !== undefined) this.seenEventIds.add(eventId);
    const logged = this.log(event.action_time, 'verified', text);
    if (!agent) return { ignored: `unknown agent ${agent_id}`, event: logged };
    if (agent.sinceKnown && Date.parse(event.action_time) < Date.parse(agent.since)) {
      return { ignored: 'older than the status shown', event: logged };
    }
    agent.statusId = metadata.agent_status.id;
    agent.statusName = metadata.agent_status.name;
    agent.statusKey = this.keyOf(agent.statusId, agent.statusName);
    agent.availability = status;
    agent.since = event.action_time;
    agent.sinceKnown = true;
    agent.lastChange = { actorType: event.actor.actor_type, at: event.action_time, source: 'webhook' };
    return { agent: { ...agent }, event: logged };
  }

  /**
   * Applies the answer of a `PATCH /agents/{id}` itself: only when no webhook can reach the board (a real account
   * without a public webhook URL).
   */
  applyPatchAnswer(
    agentId: string,
    answer: { availability_status: 'AVAILABLE' | 'UNAVAILABLE'; agent_status: { id: string; name: string } },
  ): BoardChange | undefined {
    const agent = this.agents.get(agentId);
    if (!agent || agent.statusId === answer.agent_status.id) return undefined;
    const at = this.now();
    agent.statusId = answer.agent_status.id;
    agent.statusName = answer.agent_status.name;
    agent.statusKey = this.keyOf(agent.statusId, agent.statusName);
    agent.availability = answer.availability_status;
    agent.since = at;
    agent.sinceKnown = true;
    agent.lastChange = { actorType: 'admin', at, source: 'api answer' };
    return {
      agent: { ...agent },
      event: this.log(at, 'api answer', `${agent.name} → ${agent.statusName} (PATCH answer, no webhook)`),
    };
  }

  /** Records a refused delivery in the event log. */
  refused(reason: string): BoardEvent {
    return this.log(this.now(), 'refused', reason);
  }

  /** Every agent, by name. */
  list(): BoardAgent[] {
    return [...this.agents.values()].map((agent) => ({ ...agent })).sort((a, b) => a.name.localeCompare(b.name));
  }

  statuses(): StatusChoice[] {
    return this.choices.map((choice) => ({ ...choice }));
  }

  /** The last events, newest first. */
  recentEvents(): BoardEvent[] {
    return [...this.events].reverse();
  }

  /** The choice a status id (or, failing that, a built-in status name) matches. */
  keyOf(statusId: string, statusName: string): string {
    const byId = this.choices.find((choice) => choice.id === statusId);
    if (byId) return byId.key;
    const byName = this.choices.find((choice) => choice.builtIn && choice.name === statusName);
    return byName?.key ?? `id:${statusId}`;
  }

  /** A board line for an agent from the API, keeping what the board knew when the agent is still on that status. */
  private lineOf(agent: Agent, since: string | undefined): BoardAgent {
    const previous = this.agents.get(agent.id);
    const sameStatus = previous !== undefined && previous.statusId === agent.agent_status.id;
    return {
      id: agent.id,
      name: agentName(agent),
      email: agent.email,
      statusId: agent.agent_status.id,
      statusName: agent.agent_status.name,
      statusKey: this.keyOf(agent.agent_status.id, agent.agent_status.name),
      availability: agent.availability_status,
      since: since ?? (sameStatus ? previous.since : this.now()),
      sinceKnown: since !== undefined || (sameStatus && previous.sinceKnown),
      lastChange: previous?.lastChange ?? null,
    };
  }

  private log(at: string, kind: BoardEvent['kind'], text: string): BoardEvent {
    const event = { at, kind, text };
    this.events.push(event);
    if (this.events.length > 50) this.events.shift();
    return event;
  }
}

/** Status choices for a real account: the built-in ones by availability, then its custom statuses by id. */
export function freshchatChoices(custom: readonly { id: string; name: string }[]): StatusChoice[] {
  const [active, unavailable] = BUILT_IN_STATUS_NAMES;
  return [
    { key: 'availability:AVAILABLE', id: null, name: active, emoji: '', builtIn: true },
    { key: 'availability:UNAVAILABLE', id: null, name: unavailable, emoji: '', builtIn: true },
    ...custom.map((status) => ({
      key: `id:${status.id}`,
      id: status.id,
      name: status.name,
      emoji: '',
      builtIn: false,
    })),
  ];
}

/** Status choices for a sandbox account, from its control API's full list (built-in ones have ids there). */
export function sandboxChoices(
  statuses: readonly { id: string; name: string; emoji: string; built_in: boolean }[],
): StatusChoice[] {
  return statuses.map((status) => ({
    key: `id:${status.id}`,
    id: status.id,
    name: status.name,
    emoji: status.emoji,
    builtIn: status.built_in,
  }));
}

/** The body of `PATCH /agents/{id}` for a choice's key, or `undefined` for a key that is not one. */
export function patchBodyFor(
  key: string,
): { agent_status: { id: string } } | { availability_status: 'AVAILABLE' | 'UNAVAILABLE' } | undefined {
  if (key === 'availability:AVAILABLE' || key === 'availability:UNAVAILABLE') {
    return { availability_status: key === 'availability:AVAILABLE' ? 'AVAILABLE' : 'UNAVAILABLE' };
  }
  const id = /^id:([0-9a-fA-F-]{36})$/.exec(key)?.[1];
  return id ? { agent_status: { id } } : undefined;
}
