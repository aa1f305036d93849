import type { FreshchatOperationId } from '../../generated/documents.js';
import { DomainError } from '../domain-error.js';
import { type IdSource, randomIds } from '../id-source.js';

/** A fault as the control API describes it. */
export type Fault = {
  id: string;
  type:
    | 'report_failure'
    | 'report_part_status'
    | 'report_split'
    | 'report_interval'
    | 'latency'
    | 'error'
    | 'drop_connection';
  operation?: FreshchatOperationId | undefined;
  ms?: number | undefined;
  /** How many equal parts a `report_split` fault cuts a report into; one per UTC day when left out. */
  parts?: number | undefined;
  /** What a `report_interval` fault puts between the interval's two times. */
  separator?: ReportIntervalSeparator | undefined;
  /** The error status of an `error` fault; the sub-report status of a `report_part_status` fault. */
  status?: number | ReportPartFaultStatus | undefined;
  /** How many more times it fires; null for until removed. */
  remaining: number | null;
};

/** What a `report_interval` fault can put between a report interval's two times, instead of a space. */
export type ReportIntervalSeparator = '_';

/** The statuses a `report_part_status` fault can give a report's last sub-report. */
export type ReportPartFaultStatus = 'FAILED' | 'PENDING' | 'IN_PROGRESS' | 'SUCCESS';

/** A fault to add, as `POST /_mock/faults` receives it. */
export type FaultInput =
  | { type: 'report_failure'; count?: number | undefined }
  | { type: 'report_part_status'; status?: ReportPartFaultStatus | undefined; count?: number | undefined }
  | { type: 'report_split'; parts?: number | undefined; count?: number | undefined }
  | { type: 'report_interval'; separator?: ReportIntervalSeparator | undefined; count?: number | undefined }
  | { type: 'latency'; operation?: FreshchatOperationId | undefined; ms: number; count?: number | undefined }
  | {
      type: 'error';
      operation?: FreshchatOperationId | undefined;
      status?: 429 | 503 | undefined;
      count?: number | undefined;
    }
  | { type: 'drop_connection'; operation?: FreshchatOperationId | undefined; count?: number | undefined };

/**
 * One account's active faults: failed reports, reports with a sub-report in another status, reports split into
 * several sub-reports, reports whose interval is written another way, added latency, forced error answers, dropped
 * connections.
 */
export class FaultPlan {
  private faults: Fault[] = [];

  constructor(private readonly newId: IdSource = randomIds) {}

  /** Whether any fault is active: most requests meet none, and skip looking. */
  get isEmpty(): boolean {
    return this.faults.length === 0;
  }

  /** Every active fault, oldest first. */
  all(): Fault[] {
    return [...this.faults];
  }

  /** Adds a fault and returns it. */
  add(input: FaultInput): Fault {
    const fault = this.plan(input);
    this.put(fault);
    return fault;
  }

  /** Adds a fault `plan` made. */
  put(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  /** The fault `add` would add, its id drawn; the plan is left as it is. */
  plan(input: FaultInput): Fault {
    const base = { id: this.newId(), type: input.type };
    let fault: Fault;
    switch (input.type) {
      case 'report_failure':
        fault = { ...base, remaining: input.count ?? 1 };
        break;
      case 'report_part_status':
        fault = { ...base, status: input.status ?? 'FAILED', remaining: input.count ?? 1 };
        break;
      case 'report_split':
        fault = { ...base, ...(input.parts === undefined ? {} : { parts: input.parts }), remaining: input.count ?? 1 };
        break;
      case 'report_interval':
        fault = { ...base, separator: input.separator ?? '_', remaining: input.count ?? 1 };
        break;
      case 'latency':
        fault = { ...base, operation: input.operation, ms: input.ms, remaining: input.count ?? null };
        break;
      case 'error':
        fault = { ...base, operation: input.operation, status: input.status ?? 503, remaining: input.count ?? null };
        break;
      default:
        fault = { ...base, operation: input.operation, remaining: input.count ?? null };
    }
    return fault;
  }

  /** Removes one fault; `not_found` when there is none with that id. */
  remove(id: string): void {
    this.checkRemove(id);
    this.faults = this.faults.filter((f) => f.id !== id);
  }

  /** Refuses what `remove` refuses (`not_found` for an unknown id); nothing changes. */
  checkRemove(id: string): void {
    if (!this.faults.some((f) => f.id === id))
      throw new DomainError('not_found', 'FAULT_NOT_FOUND', 'fault_id: fault not found');
  }

  /** Removes every fault. */
  clear(): void {
    this.faults = [];
  }

  /**
   * The first fault of `type` that applies to `operation`, used up once (removed when its count runs out), or
   * undefined when none applies.
   */
  take(type: Fault['type'], operation?: string): Fault | undefined {
    const fault = this.find(type, operation);
    if (!fault) return undefined;
    this.use(fault.id);
    return { ...fault, remaining: fault.remaining === null ? null : fault.remaining - 1 };
  }

  /** The first fault of `type` that applies to `operation`, as it stands (not used up); undefined when none does. */
  find(type: Fault['type'], operation?: string): Fault | undefined {
    const fault = this.faults.find((f) => f.type === type && (f.operation === undefined || f.operation === operation));
    return fault && { ...fault };
  }

  /** Uses up the fault `id` once: removed when its count runs out. */
  use(id: string): void {
    const fault = this.faults.find((f) => f.id === id);
    if (!fault || fault.remaining === null) return;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
  }
}
