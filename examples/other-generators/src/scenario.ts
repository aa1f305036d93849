import { unzipSync } from 'fflate';

/** What each generated client's run of the one scenario gives back, compared exactly by the test. */
export type ScenarioResult = {
  statuses: string[];
  patched: { availability_status?: string; status_name?: string };
  reportBeforeDelay: string;
  reportAfterDelay: string;
  csv: string;
};

/**
 * The scenario's fixed inputs: the seed's John Doe goes to Meeting at 08:00; at 09:00 the report is requested for the
 * day up to that moment (a window may not end after the clock's now).
 */
export const SCENARIO = {
  agentId: 'afd5102c-5443-4fe3-a069-4fe25189a0a1',
  meetingId: 'ea0ab820-e97c-47f5-8443-7bd362adc393',
  report: {
    start: '2030-01-01T00:00:00Z',
    end: '2030-01-01T09:00:00Z',
    event: 'Agent-IntelliAssign-Activity',
    format: 'csv',
  },
} as const;

/**
 * Downloads a report part by its pre-signed link, with no token (the storage stand-in refuses one, as S3 does), and
 * gives the CSV inside the zip.
 *
 * @example
 * const csv = await downloadCsv(report.links[0].link.href);
 */
export async function downloadCsv(href: string): Promise<string> {
  const zip = new Uint8Array(await (await fetch(href)).arrayBuffer());
  const [csv] = Object.values(unzipSync(zip));
  return new TextDecoder().decode(csv);
}
