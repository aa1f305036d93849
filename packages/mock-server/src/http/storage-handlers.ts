import { activityCsvLines } from '../adapters/activity-csv.js';
import { zippedCsv } from '../adapters/report-zip.js';
import { reportPartRows } from '../domain/reports/report-content.js';
import { isDownloadable, reportParts, reportStatus } from '../domain/reports/report-job.js';
import type { OperationHandlers } from './operation-types.js';
import { SECOND_AUTH_MECHANISM, storageRefusal } from './storage-error.js';
import { checkStorageLink, storageLinkOf } from './storage-url.js';

/** The storage stand-in: serves a sub-report's zipped CSV to whoever holds a valid pre-signed link. */
export const storageHandlers: OperationHandlers<'downloadReportPart'> = {
  downloadReportPart: (input) => {
    const { sandbox } = input;
    // Checked before the signature, as the storage service does: a second auth mechanism is refused outright.
    if (input.authorization !== undefined) return storageRefusal(SECOND_AUTH_MECHANISM);
    const link = storageLinkOf(input);
    const checked = checkStorageLink(link.key, link.proof, sandbox.links, sandbox.clock.now());
    if (!checked.ok) return storageRefusal(checked.refusal);
    const found = sandbox.reportForDownload(checked.object.jobId);
    const part = found && reportParts(found.job).find((p) => p.from === checked.object.from);
    // A link to a job that a reset removed is refused as the storage service refuses a missing key to a stranger.
    if (
      !found ||
      !part ||
      !isDownloadable(part.status) ||
      reportStatus(found.job, sandbox.clock.now()) !== 'COMPLETED'
    ) {
      return storageRefusal({ code: 'AccessDenied', message: 'Access Denied' });
    }
    const { account, job } = found;
    const lines = activityCsvLines(reportPartRows(account.history, job, part, (id) => account.agentName(id)));
    // The headers are those the link asks for, as the storage service answers them: its signature seals them.
    return new Response(zippedCsv(`${job.id}-${part.from}.csv`, lines, job.completesAt), {
      status: 200,
      headers: checked.headers,
    });
  },
};
