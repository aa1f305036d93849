import { activityCsvLines, zippedCsv } from '../domain/report-content.js';
import { isAgentActivity, isDownloadable, reportParts, reportStatus } from '../domain/report-job.js';
import { storageErrorXml } from '../domain/storage-link.js';
import type { OperationHandlers } from './operation-types.js';

const denied = (code: 'AccessDenied' | 'SignatureDoesNotMatch', message: string) =>
  new Response(storageErrorXml({ code, message }), { status: 403, headers: { 'Content-Type': 'application/xml' } });

/** The storage stand-in: serves a sub-report's zipped CSV to whoever holds a valid pre-signed link. */
export const storageHandlers: OperationHandlers<'downloadReportPart'> = {
  downloadReportPart: ({ sandbox, path, query }) => {
    const key = `extraction/${path.account_hash}/${path.year}/${path.month}/${path.object}`;
    const checked = sandbox.links.verify(
      key,
      { date: query['X-Amz-Date'], expires: String(query['X-Amz-Expires']), signature: query['X-Amz-Signature'] },
      sandbox.clock.now(),
    );
    if (!checked.ok) return denied(checked.refusal.code, checked.refusal.message);
    const found = sandbox.reportForDownload(checked.object.jobId);
    const part = found && reportParts(found.job).find((p) => p.from === checked.object.from);
    // A link to a job that a reset removed is refused as the storage service refuses a missing key to a stranger.
    if (
      !found ||
      !part ||
      !isDownloadable(part.status) ||
      reportStatus(found.job, sandbox.clock.now()) !== 'COMPLETED'
    ) {
      return denied('AccessDenied', 'Access Denied');
    }
    const { account, job } = found;
    // The sandbox simulates no conversations: other events' files are empty, rather than carry invented columns.
    const lines = isAgentActivity(job.event)
      ? activityCsvLines(account.history, part, job.completesAt, (id) => account.agentName(id), job.excludePii)
      : ([] as string[])[Symbol.iterator]();
    const file = `${job.id}-${part.from}`;
    return new Response(zippedCsv(`${file}.csv`, lines, job.completesAt), {
      status: 200,
      headers: {
        'Content-Type': 'application/zip',
        'Content-Disposition': `attachment; filename="${file}.zip"`,
      },
    });
  },
};
