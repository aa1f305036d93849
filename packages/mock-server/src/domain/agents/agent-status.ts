import { DomainError } from '../domain-error.js';
import { type IdSource, randomIds } from '../id-source.js';

/**
 * The ids an account gives its two built-in statuses. Each account has its own, as in Freshchat (random, drawn from
 * the id seed, or set by a seed file), so code that hard-codes one account's ids fails in the next.
 */
export type BuiltInStatusIds = { active: string; unavailable: string };

/** A status an agent can be on: one of the two built-in ones or a custom one an admin created. */
export type AgentStatus = {
  id: string;
  name: string;
  emoji: string;
  builtIn: boolean;
};

/**
 * One account's statuses: the two built-in ones, which cannot be edited or deleted, and custom ones in order of
 * creation. Names are unique within the account (case-insensitively), as in Freshchat's admin screen.
 *
 * @example
 * const catalog = new StatusCatalog(randomIds, { active: activeId, unavailable: unavailableId });
 * catalog.isActive(catalog.active.id); // true
 */
export class StatusCatalog {
  private readonly statuses = new Map<string, AgentStatus>();
  private changes = 0;
  /** "Active on IntelliAssign", with the account's own id. */
  readonly active: AgentStatus;
  /** "Unavailable", with the account's own id. */
  readonly unavailable: AgentStatus;

  /** `builtIn` gives the two built-in statuses' ids; new ones from `newId` when left out. */
  constructor(
    private readonly newId: IdSource = randomIds,
    builtIn: BuiltInStatusIds = { active: newId(), unavailable: newId() },
  ) {
    if (builtIn.active === builtIn.unavailable) {
      throw new DomainError('invalid', 'INVALID_VALUE', 'built_in_status_ids: the two ids must differ');
    }
    this.active = { id: builtIn.active, name: 'Active on IntelliAssign', emoji: '', builtIn: true };
    this.unavailable = { id: builtIn.unavailable, name: 'Unavailable', emoji: '', builtIn: true };
    this.statuses.set(this.active.id, this.active);
    this.statuses.set(this.unavailable.id, this.unavailable);
  }

  /**
   * Whether a status counts as AVAILABLE for IntelliAssign: only the account's "Active on IntelliAssign" does. The
   * one place this rule lives.
   */
  isActive(statusId: string): boolean {
    return statusId === this.active.id;
  }

  /** A number that changes whenever a status is created, edited or deleted: what a cache of the list keys on. */
  get revision(): number {
    return this.changes;
  }

  /** Every status, built-in ones first. */
  all(): AgentStatus[] {
    return [...this.statuses.values()];
  }

  /** Custom statuses only, in order of creation (what `GET /agents/status` lists). */
  custom(): AgentStatus[] {
    return this.all().filter((s) => !s.builtIn);
  }

  /** The status with this id, or undefined. */
  find(id: string): AgentStatus | undefined {
    return this.statuses.get(id);
  }

  /** The status with this id; `not_found` naming `field` when there is none. */
  get(id: string, field = 'status_id'): AgentStatus {
    const status = this.statuses.get(id);
    if (!status) throw new DomainError('not_found', 'STATUS_NOT_FOUND', `${field}: status not found`);
    return status;
  }

  /** Creates a custom status. `id` may be given (seeds); otherwise a new one is made. */
  create(input: { name: string; emoji?: string | undefined; id?: string | undefined }): AgentStatus {
    const status = this.planCreate(input);
    this.put(status);
    return status;
  }

  /** The status `create` would make (its id drawn), refused as `create` refuses; the catalog is left as it is. */
  planCreate(input: { name: string; emoji?: string | undefined; id?: string | undefined }): AgentStatus {
    const name = input.name.trim();
    if (name.length === 0) throw new DomainError('invalid', 'INVALID_VALUE', 'name: must not be blank');
    this.assertNameFree(name);
    const id = input.id ?? this.newId();
    if (this.statuses.has(id)) throw new DomainError('conflict', 'STATUS_EXISTS', `id: a status with id ${id} exists`);
    return { id, name, emoji: input.emoji ?? '', builtIn: false };
  }

  /** Adds a status `planCreate` made. */
  put(status: AgentStatus): void {
    this.statuses.set(status.id, { ...status });
    this.changes++;
  }

  /** Renames a custom status or changes its emoji; built-in statuses are `forbidden`. */
  update(id: string, patch: { name?: string | undefined; emoji?: string | undefined }): AgentStatus {
    this.rename(id, this.planUpdate(id, patch));
    return this.get(id);
  }

  /** The name and emoji `update` would give (the name trimmed), refused as `update` refuses; nothing changes. */
  planUpdate(
    id: string,
    patch: { name?: string | undefined; emoji?: string | undefined },
  ): { name?: string | undefined; emoji?: string | undefined } {
    const status = this.getCustom(id);
    let name: string | undefined;
    if (patch.name !== undefined) {
      name = patch.name.trim();
      if (name.length === 0) throw new DomainError('invalid', 'INVALID_VALUE', 'name: must not be blank');
      if (name.toLowerCase() !== status.name.toLowerCase()) this.assertNameFree(name);
    }
    return { name, emoji: patch.emoji };
  }

  /** Applies what `planUpdate` decided. */
  rename(id: string, change: { name?: string | undefined; emoji?: string | undefined }): void {
    const status = this.get(id);
    if (change.name !== undefined) status.name = change.name;
    if (change.emoji !== undefined) status.emoji = change.emoji;
    this.changes++;
  }

  /** Deletes a custom status. `agentsOnIt` counts the agents on it now: more than zero is a `conflict`. */
  delete(id: string, agentsOnIt: number): void {
    this.checkDelete(id, agentsOnIt);
    this.remove(id);
  }

  /** Refuses what `delete` refuses; nothing changes. */
  checkDelete(id: string, agentsOnIt: number): void {
    this.getCustom(id);
    if (agentsOnIt > 0) {
      throw new DomainError(
        'conflict',
        'STATUS_IN_USE',
        `status_id: ${agentsOnIt} agent${agentsOnIt === 1 ? ' is' : 's are'} on this status`,
      );
    }
  }

  /** Removes a status `checkDelete` allowed. */
  remove(id: string): void {
    this.statuses.delete(id);
    this.changes++;
  }

  private getCustom(id: string): AgentStatus {
    const status = this.get(id);
    if (status.builtIn) {
      throw new DomainError('forbidden', 'BUILT_IN_STATUS', 'status_id: built-in statuses cannot be edited or deleted');
    }
    return status;
  }

  private assertNameFree(name: string): void {
    const lower = name.toLowerCase();
    if (this.all().some((s) => s.name.toLowerCase() === lower)) {
      throw new DomainError('conflict', 'STATUS_NAME_TAKEN', `name: a status named "${name}" exists`);
    }
  }
}
