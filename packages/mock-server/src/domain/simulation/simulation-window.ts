import { addCalendarMonths } from '../clock/calendar.js';
import { DomainError } from '../domain-error.js';

/** A simulation as `POST /_mock/simulate` (or a seed's `simulate`) asks for it. */
export type SimulationRequest = { agents: number; days: number; seed: number; until?: string | undefined };

/**
 * At most this many agent-days (the schema's `SimulationRequest` holds the other limits: 5,000 agents, 460 days)
 * per simulation, about 1.8 M changes: enough for a busy floor while one request's memory and time stay bounded
 * (bench/NOTES.md has the figures).
 */
const MAX_SIMULATED_AGENT_DAYS = 200_000;

const DAY = 86_400_000;

/**
 * Checks a simulation request against the clock: `until` (default `now`) not in the future, `agents` × `days`
 * within {@link MAX_SIMULATED_AGENT_DAYS}, and the start no earlier than a report can reach (15 calendar months
 * before `now`). Returns the window `[from, to)` in epoch ms; errors name the field.
 */
export function simulationWindow(request: SimulationRequest, now: number): { from: number; to: number } {
  const to = request.until === undefined ? now : Date.parse(request.until);
  if (Number.isNaN(to)) throw new DomainError('invalid', 'INVALID_VALUE', 'until: not a valid date-time');
  if (to > now) throw new DomainError('invalid', 'INVALID_VALUE', 'until: must not be in the future');
  if (request.agents * request.days > MAX_SIMULATED_AGENT_DAYS) {
    throw new DomainError(
      'invalid',
      'INVALID_VALUE',
      `days: agents × days must be at most ${MAX_SIMULATED_AGENT_DAYS} (asked ${request.agents * request.days})`,
    );
  }
  const from = to - request.days * DAY;
  const earliest = addCalendarMonths(now, -15);
  if (from < earliest) {
    throw new DomainError(
      'invalid',
      'INVALID_VALUE',
      `days: the history would start before ${new Date(earliest).toISOString()}, the earliest a report can reach (15 months before now)`,
    );
  }
  return { from, to };
}
