import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { downloadReport, ReportDownloadError } from './download-report.js';
import type { RawReport, ReportPart } from './schemas.js';
import { DOCUMENT_ACTIVITY_CSV, DOCUMENT_ACTIVITY_ROWS, EXAMPLE_AGENT_ID } from './testing/activity-example.js';
import { fakeFetch } from './testing/fake-fetch.js';

const id = '20c23b25-c97c-4b07-b01f-195c2656a449';
const signature = 'X-Amz-Date=20201221T132643Z&X-Amz-Expires=3599&X-Amz-Signature=044cf94f';

/** A downloadable sub-report: it always has its link. */
type LinkedPart = ReportPart & { link: NonNullable<ReportPart['link']> };

function part(from: string, to: string): LinkedPart {
  return {
    link: { rel: 'extraction', href: `https://storage.test/extraction/${id}-${Date.parse(from)}.zip?${signature}` },
    from,
    to,
    status: 'COMPLETED',
  };
}

function completedReport(links: ReportPart[]): RawReport {
  return { id, status: 'COMPLETED', interval: '2020-01-23 00:00:00.0 2020-01-25 00:00:00.0', links };
}

const day1 = part('2020-01-23T00:00:00.000Z', '2020-01-24T00:00:00.000Z');
const day2 = part('2020-01-24T00:00:00.000Z', '2020-01-25T00:00:00.000Z');

function zipAnswer(files: Record<string, string>): Response {
  const zip = zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])));
  return new Response(zip, { status: 200, headers: { 'Content-Type': 'application/zip' } });
}

describe('downloadReport', () => {
  it('downloads, unzips and parses the agent-activity CSV into typed rows', async () => {
    const fetch = fakeFetch([zipAnswer({ [`${id}.csv`]: DOCUMENT_ACTIVITY_CSV })]);

    const downloaded = await downloadReport(completedReport([day1]), { event: 'Agent-IntelliAssign-Activity', fetch });

    expect(downloaded.rows).toEqual(DOCUMENT_ACTIVITY_ROWS);
    expect(downloaded.parts).toEqual([{ from: day1.from, to: day1.to, rows: DOCUMENT_ACTIVITY_ROWS }]);
    expect(downloaded.rows.map((row) => row.agent_status_in_seconds)).toEqual([210, 268, 228, 165]);
  });

  it('fetches each pre-signed link as given, without an Authorization header', async () => {
    const fetch = fakeFetch([zipAnswer({ 'report.csv': DOCUMENT_ACTIVITY_CSV })]);

    await downloadReport(completedReport([day1]), { event: 'Agent-Intelliassign-Activity', fetch });

    expect(fetch.requests.map((request) => request.url)).toEqual([day1.link.href]);
    expect(fetch.requests[0]?.headers.has('Authorization')).toBe(false);
    expect(fetch.argumentCounts).toEqual([1]);
  });

  it('sends no Authorization even when the report came through an authenticated client, and says why a link refused one', async () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism ' +
      'allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization ' +
      'header should be specified</Message><ArgumentName>Authorization</ArgumentName></Error>';
    // A storage stand-in that refuses any request carrying Authorization, as S3 does.
    const storage = async (request: Request) =>
      request.headers.has('Authorization')
        ? new Response(xml, { status: 400, headers: { 'Content-Type': 'application/xml' } })
        : zipAnswer({ 'report.csv': DOCUMENT_ACTIVITY_CSV });
    const authenticated = async (request: Request) => {
      const withToken = new Request(request, { headers: { Authorization: 'Bearer sandbox-token' } });
      return storage(withToken);
    };

    const downloaded = await downloadReport(completedReport([day1, day2]), {
      event: 'Agent-IntelliAssign-Activity',
      fetch: storage,
    });
    const error = await downloadReport(completedReport([day1]), { fetch: authenticated }).catch((e: unknown) => e);

    expect(downloaded.parts).toHaveLength(2);
    expect(error).toBeInstanceOf(ReportDownloadError);
    expect(error).toMatchObject({ status: 400, code: 'InvalidArgument' });
    expect((error as Error).message).toContain('Only one auth mechanism allowed');
    expect((error as Error).message).toContain('download links with a fetch that adds none');
  });

  it('keeps the parts in order and joins their rows', async () => {
    const [header, john, matt, sarah, sebastian] = DOCUMENT_ACTIVITY_CSV.split('\r\n');
    const fetch = fakeFetch((request) =>
      request.url === day1.link.href
        ? zipAnswer({ 'a.csv': [header, matt, sarah].join('\n') })
        : zipAnswer({ 'b.csv': [header, sebastian, john].join('\n') }),
    );

    const downloaded = await downloadReport(completedReport([day1, day2]), {
      event: 'Agent-IntelliAssign-Activity',
      fetch,
    });

    expect(downloaded.parts.map((p) => p.rows.length)).toEqual([2, 2]);
    expect(downloaded.rows.map((row) => row.agent_name)).toEqual([
      'Matt Gibson',
      'Sarah Jones',
      'Sebastian Ric',
      'John Doe',
    ]);
  });

  it('returns rows of strings for other events, keyed by the header as written', async () => {
    const fetch = fakeFetch([zipAnswer({ 'report.csv': DOCUMENT_ACTIVITY_CSV })]);

    const downloaded = await downloadReport(completedReport([day1]), { fetch });

    expect(downloaded.rows[0]).toEqual({
      agent_name: 'John Doe',
      agent_id: EXAMPLE_AGENT_ID,
      activity_type: 'active',
      Agent_Status: 'Active on IntelliAssign',
      Agent_Status_in_seconds: '210',
      created_at: '2020-01-23T12:04:48.868Z',
    });
  });

  it('rejects a zip holding two files', async () => {
    const fetch = fakeFetch([zipAnswer({ 'a.csv': DOCUMENT_ACTIVITY_CSV, 'b.csv': DOCUMENT_ACTIVITY_CSV })]);

    await expect(downloadReport(completedReport([day1]), { fetch })).rejects.toThrow(
      /the zip must hold exactly one CSV file, but it holds a\.csv, b\.csv/,
    );
  });

  it('rejects a download that is not a zip', async () => {
    const fetch = fakeFetch([new Response(DOCUMENT_ACTIVITY_CSV, { status: 200 })]);

    await expect(downloadReport(completedReport([day1]), { fetch })).rejects.toThrow(/not a zip archive/);
  });

  it("reports the storage service's status and XML code for an expired link, hiding the signature", async () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>';
    const fetch = fakeFetch([new Response(xml, { status: 403, headers: { 'Content-Type': 'application/xml' } })]);

    const error = await downloadReport(completedReport([day1]), { fetch }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ReportDownloadError);
    expect(error).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect((error as Error).message).toContain('403 AccessDenied: Request has expired');
    expect((error as Error).message).not.toContain('X-Amz-Signature');
  });

  it('refuses a report that is not COMPLETED, without fetching', async () => {
    const fetch = fakeFetch([zipAnswer({ 'report.csv': DOCUMENT_ACTIVITY_CSV })]);
    const pending: RawReport = { ...completedReport([]), status: 'PENDING' };

    await expect(downloadReport(pending, { fetch })).rejects.toThrow(/is PENDING; only a COMPLETED report/);
    expect(fetch.requests).toHaveLength(0);
  });

  it('refuses a sub-report that is not ready, without fetching it', async () => {
    const fetch = fakeFetch([zipAnswer({ 'report.csv': DOCUMENT_ACTIVITY_CSV })]);
    const report = completedReport([day1, { ...day2, status: 'FAILED' }]);

    await expect(downloadReport(report, { fetch })).rejects.toThrow(
      /sub-report 2020-01-24T00:00:00.000Z – 2020-01-25T00:00:00.000Z is FAILED/,
    );
    expect(fetch.requests.map((request) => request.url)).toEqual([day1.link.href]);
  });

  it('refuses a COMPLETED part that has no link, before fetching anything', async () => {
    const fetch = fakeFetch([]);
    const { link: _, ...unlinked } = day2;
    await expect(downloadReport(completedReport([unlinked]), { fetch })).rejects.toThrow(
      /sub-report 2020-01-24T00:00:00.000Z – 2020-01-25T00:00:00.000Z is COMPLETED but has no download link/,
    );
    expect(fetch.requests).toEqual([]);
  });

  it('accepts parts marked SUCCESS, as Freshchat sometimes sends', async () => {
    const fetch = fakeFetch([zipAnswer({ 'report.csv': DOCUMENT_ACTIVITY_CSV })]);

    const { rows } = await downloadReport(completedReport([{ ...day1, status: 'SUCCESS' }]), {
      event: 'Agent-IntelliAssign-Activity',
      fetch,
    });

    expect(rows).toHaveLength(4);
  });

  it('rejects with the signal reason when aborted', async () => {
    const reason = new Error('stop');
    const fetch = fakeFetch(() => new Promise<Response>(() => {}));
    const controller = new AbortController();
    const download = downloadReport(completedReport([day1]), { fetch, signal: controller.signal });

    controller.abort(reason);

    await expect(download).rejects.toBe(reason);
  });
});
