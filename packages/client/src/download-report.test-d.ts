import { describe, expectTypeOf, test } from 'vitest';
import { type DownloadedReport, downloadReport } from './download-report.js';
import type { AgentIntelliAssignActivityRow, RawReport, ReportEvent } from './schemas.js';

declare const report: RawReport;

describe('downloadReport types', () => {
  test('agent-activity rows are typed, with the seconds as a number', async () => {
    const downloaded = await downloadReport(report, { event: 'Agent-IntelliAssign-Activity' });

    expectTypeOf(downloaded.rows).toEqualTypeOf<AgentIntelliAssignActivityRow[]>();
    expectTypeOf(downloaded.parts[0]?.rows).toEqualTypeOf<AgentIntelliAssignActivityRow[] | undefined>();
    expectTypeOf<AgentIntelliAssignActivityRow['agent_status_in_seconds']>().toEqualTypeOf<number>();
    expectTypeOf<AgentIntelliAssignActivityRow['activity_type']>().toEqualTypeOf<'active' | 'inactive'>();
  });

  test("the Extract API's spelling of the event gives the same rows", async () => {
    const downloaded = await downloadReport(report, { event: 'Agent-Intelliassign-Activity' });

    expectTypeOf(downloaded).toEqualTypeOf<DownloadedReport<AgentIntelliAssignActivityRow>>();
  });

  test('other events, or none, give rows of strings', async () => {
    const other = await downloadReport(report, { event: 'Conversation-Created' });
    const none = await downloadReport(report);

    expectTypeOf(other.rows).toEqualTypeOf<Record<string, string>[]>();
    expectTypeOf(none.rows).toEqualTypeOf<Record<string, string>[]>();
  });

  test('an event only known at run time gives either kind of row', async () => {
    const event = 'CSAT-Score' as ReportEvent;
    const downloaded = await downloadReport(report, { event });

    expectTypeOf(downloaded.rows).toEqualTypeOf<(AgentIntelliAssignActivityRow | Record<string, string>)[]>();
  });

  test('only known events are accepted', () => {
    // @ts-expect-error not an event of the document
    void downloadReport(report, { event: 'Agent-Status' });
  });
});
