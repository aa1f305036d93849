import type { components } from '@freshchat-sandbox/openapi/types/freshchat';
import type { components as ControlComponents } from '@freshchat-sandbox/openapi/types/mock-control';
import type { Account } from '../domain/accounts/account.js';
import type { DownloadLinkSigner } from '../domain/reports/download-link.js';
import {
  type IssuedPart,
  issueDownloadLinks,
  type ReportJob,
  reportInterval,
  reportStatus,
} from '../domain/reports/report-job.js';
import type { Sandbox } from '../domain/sandbox.js';
import { storageLinkPath } from './storage-url.js';

type ReportPart = components['schemas']['ReportPart'];

/**
 * Sub-reports as `GET /v2/reports/raw/{id}` and `GET /_mock/reports` list them: each issued link made an absolute
 * `/_storage` URL on the request's origin.
 */
export function reportPartViews(parts: readonly IssuedPart[], origin: string, links: DownloadLinkSigner): ReportPart[] {
  return parts.map(
    (part): ReportPart => ({
      ...(part.link ? { link: { rel: 'extraction', href: origin + storageLinkPath(part.link, links) } } : {}),
      from: new Date(part.from).toISOString(),
      to: new Date(part.to).toISOString(),
      status: part.status,
    }),
  );
}

/** A job as the control API lists it; `links` (issued afresh) only when an origin is given to make them absolute. */
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
    links:
      origin === undefined
        ? []
        : reportPartViews(issueDownloadLinks(job, account.appId, sandbox.links, now), origin, sandbox.links),
  };
}
