import { describe, expect, it } from 'vitest';
import { parseActivityCsv, parseReportCsv, ReportCsvError } from './activity-csv.js';
import { DOCUMENT_ACTIVITY_CSV, DOCUMENT_ACTIVITY_ROWS, EXAMPLE_AGENT_ID } from './testing/activity-example.js';

const header = 'agent_name,agent_id,activity_type,agent_status,agent_status_in_seconds,created_at';

describe('parseActivityCsv', () => {
  it("parses the guide's example into typed rows", () => {
    expect(parseActivityCsv(DOCUMENT_ACTIVITY_CSV)).toEqual(DOCUMENT_ACTIVITY_ROWS);
  });

  it('reads quoted fields holding commas, quotes and a byte-order mark', () => {
    const csv = [
      `\uFEFF${header}`,
      `"Ric, Sebastian",${EXAMPLE_AGENT_ID},inactive,"Lunch, then ""errands""",165,2020-01-23T12:13:02.756Z`,
    ].join('\n');

    expect(parseActivityCsv(csv)).toEqual([
      {
        agent_name: 'Ric, Sebastian',
        agent_id: EXAMPLE_AGENT_ID,
        activity_type: 'inactive',
        agent_status: 'Lunch, then "errands"',
        agent_status_in_seconds: 165,
        created_at: '2020-01-23T12:13:02.756Z',
      },
    ]);
  });

  it("matches the guide's capitalised headers and Active/Inactive values, ignoring extra columns", () => {
    const csv = [
      'agent_name,agent_id,activity_type,Agent_Status,Agent_Status_in_seconds,created_at,extra',
      `John Doe,${EXAMPLE_AGENT_ID},Active,Active on IntelliAssign,210,2020-01-23T12:04:48.868Z,x`,
    ].join('\n');

    expect(parseActivityCsv(csv)).toEqual([DOCUMENT_ACTIVITY_ROWS[0]]);
  });

  it("reads the header in any case: the lower-case one gives the same rows as the guide's", () => {
    const lower = DOCUMENT_ACTIVITY_CSV.replace(
      'Agent_Status,Agent_Status_in_seconds',
      'agent_status,agent_status_in_seconds',
    );
    const upper = DOCUMENT_ACTIVITY_CSV.replace(/^[^\r\n]*/, (line) => line.toUpperCase());

    expect(lower).not.toBe(DOCUMENT_ACTIVITY_CSV);
    expect(parseActivityCsv(lower)).toEqual(DOCUMENT_ACTIVITY_ROWS);
    expect(parseActivityCsv(upper)).toEqual(DOCUMENT_ACTIVITY_ROWS);
  });

  it('returns no rows for a header alone', () => {
    expect(parseActivityCsv(`${header}\n`)).toEqual([]);
  });

  it('names the missing columns', () => {
    expect(() => parseActivityCsv('agent_name,agent_id,activity_type\nJohn Doe,x,active\n')).toThrow(
      /missing column\(s\) agent_status, agent_status_in_seconds, created_at/,
    );
  });

  it('names the row and column of a value that is not a number of seconds', () => {
    const csv = `${header}\nJohn Doe,${EXAMPLE_AGENT_ID},active,Active on IntelliAssign,soon,2020-01-23T12:04:48.868Z\n`;

    expect(() => parseActivityCsv(csv)).toThrow(ReportCsvError);
    expect(() => parseActivityCsv(csv)).toThrow(/row 1: agent_status_in_seconds .* "soon"/);
  });

  it('rejects an unknown activity_type', () => {
    const csv = `${header}\nJohn Doe,${EXAMPLE_AGENT_ID},busy,Meeting,1,2020-01-23T12:04:48.868Z\n`;

    expect(() => parseActivityCsv(csv)).toThrow(/activity_type must be active or inactive, got "busy"/);
  });

  it('turns malformed CSV into a ReportCsvError', () => {
    expect(() => parseActivityCsv(`${header}\n"unterminated,x,active,Meeting,1,2020`)).toThrow(ReportCsvError);
  });
});

describe('parseReportCsv', () => {
  it('keeps every column as a string, named by the header', () => {
    expect(parseReportCsv('\uFEFFconversation_id,agent_status_in_seconds\nc-1,"2,5"\n')).toEqual([
      { conversation_id: 'c-1', agent_status_in_seconds: '2,5' },
    ]);
  });
});
