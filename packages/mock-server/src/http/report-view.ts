import type { ControlComponents, components } from '@freshchat-sandbox/client';
import type { Account } from '../domain/account.js';
import { isDownloadable, type ReportJob, reportInterval, reportParts, reportStatus } from '../domain/report-job.js';
import type { Sandbox } from '../domain/sandbox.js';

type ReportPart = components['schemas']['ReportPart'];

/**
 * A COMPLETED job's sub-reports, each downloadable one with a pre-signed `/_storage` link valid an hour from `now`;
 * none before it completes.
 * `GET /v2/reports/raw/{id}` and `GET /_mock/reports` both list them so.
 */
export function reportLinks(sandbox: Sandbox, account: Account, job: ReportJob, origin: string, now: number) {
  if (reportStatus(job, now) !== 'COMPLETED') return [];
  return reportParts(job).map(
    (part): ReportPart => ({
      ...(isDownloadable(part.status)
        ? {
            link: {
              rel: 'extraction',
              href: origin + sandbox.links.sign({ jobId: job.id, from: part.from }, account.appId, now),
            },
          }
        : {}),
      from: new Date(part.from).toISOString(),
      to: new Date(part.to).toISOString(),
      status: part.status,
    }),
  );
}

/** A job as the control API lists it; `links` only when an origin is given to make them absolute. */
export function reportJobView(
  sandbox: Sandbox,
  account: Account,
  job: ReportJob,
  origin: string | undefined,
): ControlComponents['schemas']['ReportJob'] {
  const now = sandbox.clock.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: job.id,
    event: job.event,
    status: reportStatus(job, now),
    start: iso(job.start),
    end: iso(job.end),
    requested_at: iso(job.requestedAt),
    completes_at: iso(job.completesAt),
    interval: reportInterval(job),
    links: origin === undefined ? [] : reportLinks(sandbox, account, job, origin, now),
  };
}
