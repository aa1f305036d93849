import { type AgentIntelliAssignActivityRow, parseActivityCsv, type RawReport } from '@freshchat-sandbox/client';
import { unzipSync } from 'fflate';

/** What one download link served: the answer's status and type, and the files in the zip. */
export type DownloadedPart = { status: number; contentType: string | null; files: Record<string, string> };

/** Fetches one pre-signed link exactly as given (no Authorization header) and unzips what it serves. */
export async function downloadPart(
  fetch: (request: Request) => Promise<Response>,
  href: string,
): Promise<DownloadedPart> {
  const response = await fetch(new Request(href));
  const bytes = new Uint8Array(await response.arrayBuffer());
  const files: Record<string, string> = {};
  if (response.status === 200) {
    for (const [name, content] of Object.entries(unzipSync(bytes))) files[name] = new TextDecoder().decode(content);
  }
  return { status: response.status, contentType: response.headers.get('content-type'), files };
}

/** The one CSV a link's zip holds; throws when the zip holds anything else. */
export async function downloadCsv(fetch: (request: Request) => Promise<Response>, href: string): Promise<string> {
  const part = await downloadPart(fetch, href);
  const names = Object.keys(part.files);
  const [name] = names;
  if (part.status !== 200 || names.length !== 1 || !name?.endsWith('.csv')) {
    throw new Error(
      `expected a zip with one CSV from ${href}, got ${part.status} with ${names.join(', ') || 'nothing'}`,
    );
  }
  return part.files[name] as string;
}

/** Every sub-report's activity rows, part after part. */
export async function activityRowsOf(
  fetch: (request: Request) => Promise<Response>,
  report: RawReport,
): Promise<{ from: string; to: string; rows: AgentIntelliAssignActivityRow[] }[]> {
  const parts = [];
  for (const part of report.links) {
    parts.push({
      from: part.from,
      to: part.to,
      rows: parseActivityCsv(await downloadCsv(fetch, part.link?.href ?? '')),
    });
  }
  return parts;
}
