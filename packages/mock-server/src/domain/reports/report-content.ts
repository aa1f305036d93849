import { freshchatDocument } from '../../generated/documents.js';
import type { PeriodCursor } from '../history/period-cursor.js';
import type { StatusHistory } from '../history/status-history.js';
import { isAgentActivity, type ReportJob } from './report-job.js';

type RowSchema = {
  components: { schemas: { AgentIntelliAssignActivityRow: { 'x-csv-header': string[] } } };
};

/**
 * The header of the `Agent-IntelliAssign-Activity` CSV, as the guide's example table writes it
 * (`…,Agent_Status,Agent_Status_in_seconds,…`): the spec's row schema's `x-csv-header`, in its order.
 */
export const ACTIVITY_COLUMNS: readonly string[] = (freshchatDocument as unknown as RowSchema).components.schemas
  .AgentIntelliAssignActivityRow['x-csv-header'];

/**
 * The rows of one agent-activity sub-report, walked without allocating: one per period an agent spent in one
 * status that overlaps the sub-report, with the period's whole seconds inside it; a period still running when the
 * report completed ends there. `next()` moves to the next row; the other members read its fields, in
 * {@link ACTIVITY_COLUMNS} order.
 *
 * @example
 * const rows = reportPartRows(account.history, job, part, (id) => account.agentName(id));
 * while (rows?.next()) console.log(rows.agentId(), rows.statusName(), rows.seconds());
 */
export class ActivityRows {
  constructor(
    private readonly periods: PeriodCursor,
    private readonly nameOf: (agentId: string) => string,
    private readonly excludePii: boolean,
  ) {}

  /** Moves to the next row; false when there is none. */
  next(): boolean {
    return this.periods.next();
  }

  /** `agent_name`: empty when the report excludes personal data. */
  agentName(): string {
    return this.excludePii ? '' : this.nameOf(this.periods.agentId());
  }

  /** `agent_id`. */
  agentId(): string {
    return this.periods.agentId();
  }

  /** `activity_type`: `active` while on a status that counts as active, `inactive` otherwise. */
  activityType(): 'active' | 'inactive' {
    return this.periods.status().active ? 'active' : 'inactive';
  }

  /** `agent_status`: the status's name when it was selected. */
  statusName(): string {
    return this.periods.status().name;
  }

  /**
   * A number naming the row's status within this report: rows with equal numbers have equal `activity_type` and
   * `agent_status`, so a writer can format those fields once per status.
   */
  statusKey(): number {
    return this.periods.statusPosition();
  }

  /** `agent_status_in_seconds`: whole seconds of the period inside the sub-report. */
  seconds(): number {
    return this.periods.seconds;
  }

  /** `created_at`: when the agent selected the status (epoch ms). */
  createdAt(): number {
    return this.periods.selectedAt();
  }
}

/**
 * What one sub-report `[from, to)` of a job holds, read from the history as it stood when the job completed: the
 * agent-activity rows for the agent-status events; undefined, an empty file, for every other event, since the
 * sandbox simulates no conversations (rather than invent their columns).
 */
export function reportPartRows(
  history: StatusHistory,
  job: ReportJob,
  part: { from: number; to: number },
  agentName: (agentId: string) => string,
): ActivityRows | undefined {
  if (!isAgentActivity(job.event)) return undefined;
  return new ActivityRows(history.cursor(part.from, part.to, job.completesAt), agentName, job.excludePii);
}
