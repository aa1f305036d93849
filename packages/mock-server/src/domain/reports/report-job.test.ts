import { describe, expect, it } from 'vitest';
import { refusal } from '../../testing/refusal.js';
import { DownloadLinkSigner } from './download-link.js';
import {
  checkReportWindow,
  isAgentActivity,
  isDownloadable,
  issueDownloadLinks,
  type ReportJob,
  type ReportRequest,
  reportInterval,
  reportParts,
  reportStatus,
} from './report-job.js';

const NOW = Date.parse('2030-06-15T12:00:00.000Z');
const request = (start: string, end: string): ReportRequest => ({
  start,
  end,
  event: 'Agent-IntelliAssign-Activity',
  format: 'csv',
});

/** The error `run` throws, as Freshchat's body. */

describe('checkReportWindow', () => {
  it('answers the window in epoch milliseconds', () => {
    expect(checkReportWindow(request('2030-06-14T13:00:00.000Z', '2030-06-15T11:00:00Z'), NOW)).toEqual({
      start: Date.parse('2030-06-14T13:00:00.000Z'),
      end: Date.parse('2030-06-15T11:00:00.000Z'),
    });
  });

  it('accepts a start exactly 15 calendar months ago and refuses one a millisecond earlier', () => {
    expect(() => checkReportWindow(request('2029-03-15T12:00:00.000Z', '2029-03-16T00:00:00Z'), NOW)).not.toThrow();
    expect(refusal(() => checkReportWindow(request('2029-03-15T11:59:59.999Z', '2029-03-16T00:00:00Z'), NOW))).toEqual({
      kind: 'invalid',
      code: 'INVALID_VALUE',
      message: 'start: must not be earlier than 15 months before now (2029-03-15T12:00:00.000Z)',
    });
  });

  it('counts 15 calendar months back from the end of a month to the end of a shorter one', () => {
    const endOfMay = Date.parse('2030-05-31T10:00:00.000Z');
    expect(
      refusal(() => checkReportWindow(request('2029-02-28T09:59:59.999Z', '2029-03-01T00:00:00Z'), endOfMay)),
    ).toMatchObject({ message: 'start: must not be earlier than 15 months before now (2029-02-28T10:00:00.000Z)' });
    expect(() =>
      checkReportWindow(request('2029-02-28T10:00:00.000Z', '2029-03-01T00:00:00Z'), endOfMay),
    ).not.toThrow();
  });

  it('refuses an end that is not after the start', () => {
    for (const end of ['2030-06-14T00:00:00.000Z', '2030-06-13T00:00:00.000Z']) {
      expect(refusal(() => checkReportWindow(request('2030-06-14T00:00:00.000Z', end), NOW))).toEqual({
        kind: 'invalid',
        code: 'INVALID_VALUE',
        message: 'end: must be after start',
      });
    }
  });

  it('accepts an end exactly one calendar month after the start and refuses one a millisecond later', () => {
    expect(() => checkReportWindow(request('2030-01-31T00:00:00.000Z', '2030-02-28T00:00:00.000Z'), NOW)).not.toThrow();
    expect(
      refusal(() => checkReportWindow(request('2030-01-31T00:00:00.000Z', '2030-02-28T00:00:00.001Z'), NOW)),
    ).toEqual({
      kind: 'invalid',
      code: 'INVALID_VALUE',
      message: 'end: must not be later than one month after start (2030-02-28T00:00:00.000Z)',
    });
  });

  it('accepts an end exactly at now and refuses one a millisecond later, naming end (no window in the future)', () => {
    expect(() => checkReportWindow(request('2030-06-14T12:00:00.000Z', '2030-06-15T12:00:00.000Z'), NOW)).not.toThrow();
    expect(
      refusal(() => checkReportWindow(request('2030-06-14T12:00:00.000Z', '2030-06-15T12:00:00.001Z'), NOW)),
    ).toEqual({
      kind: 'invalid',
      code: 'INVALID_VALUE',
      message: 'end: must not be later than now (2030-06-15T12:00:00.000Z)',
    });
  });

  it('refuses a date that does not parse, naming the field', () => {
    expect(refusal(() => checkReportWindow(request('2030-13-45T00:00:00Z', '2030-06-15T00:00:00Z'), NOW))).toEqual({
      kind: 'invalid',
      code: 'INVALID_VALUE',
      message: 'start: not a valid date-time',
    });
    expect(refusal(() => checkReportWindow(request('2030-06-14T00:00:00Z', 'soonZ'), NOW))).toEqual({
      kind: 'invalid',
      code: 'INVALID_VALUE',
      message: 'end: not a valid date-time',
    });
  });
});

describe('a report job', () => {
  const job: ReportJob = {
    id: '20c23b25-c97c-4b07-b01f-195c2656a449',
    event: 'Agent-IntelliAssign-Activity',
    start: Date.parse('2020-12-21T00:00:00.000Z'),
    end: Date.parse('2020-12-22T13:00:00.000Z'),
    excludePii: false,
    requestedAt: NOW,
    completesAt: NOW + 30_000,
    failing: false,
  };

  it('is PENDING until its completion time, then COMPLETED, or FAILED when it was marked to fail', () => {
    expect(reportStatus(job, NOW)).toBe('PENDING');
    expect(reportStatus(job, NOW + 29_999)).toBe('PENDING');
    expect(reportStatus(job, NOW + 30_000)).toBe('COMPLETED');
    expect(reportStatus({ ...job, failing: true }, NOW + 29_999)).toBe('PENDING');
    expect(reportStatus({ ...job, failing: true }, NOW + 30_000)).toBe('FAILED');
  });

  it("writes its interval as the document's example does", () => {
    expect(reportInterval(job)).toBe('2020-12-21 00:00:00.0 2020-12-22 13:00:00.0');
  });

  it("has one part covering its whole window by default, as the guide's example", () => {
    expect(reportParts(job)).toEqual([{ from: job.start, to: job.end, status: 'COMPLETED' }]);
  });

  it('has one part per UTC day of its window when split by day, each COMPLETED', () => {
    expect(reportParts({ ...job, split: 'utc_day' })).toEqual([
      { from: Date.parse('2020-12-21T00:00:00.000Z'), to: Date.parse('2020-12-22T00:00:00.000Z'), status: 'COMPLETED' },
      { from: Date.parse('2020-12-22T00:00:00.000Z'), to: Date.parse('2020-12-22T13:00:00.000Z'), status: 'COMPLETED' },
    ]);
  });

  it('gives the last part the status a report_part_status fault set, and only COMPLETED and SUCCESS a download', () => {
    expect(reportParts({ ...job, lastPartStatus: 'FAILED' }).map((p) => p.status)).toEqual(['FAILED']);
    expect(reportParts({ ...job, split: 'utc_day', lastPartStatus: 'FAILED' }).map((p) => p.status)).toEqual([
      'COMPLETED',
      'FAILED',
    ]);
    expect(['COMPLETED', 'SUCCESS', 'FAILED', 'PENDING', 'IN_PROGRESS'].map((s) => isDownloadable(s as never))).toEqual(
      [true, true, false, false, false],
    );
  });

  it('issues links only once COMPLETED, one per downloadable part, each expiring an hour after the call', () => {
    const signer = new DownloadLinkSigner('secret');
    const failedLast = { ...job, split: 'utc_day' as const, lastPartStatus: 'FAILED' as const };
    expect(issueDownloadLinks(failedLast, 'app-1', signer, NOW + 29_999)).toEqual([]);
    const issuedAt = NOW + 45_678;
    const parts = issueDownloadLinks(failedLast, 'app-1', signer, issuedAt);
    expect(parts.map((p) => [p.status, p.link !== undefined])).toEqual([
      ['COMPLETED', true],
      ['FAILED', false],
    ]);
    const link = parts[0]?.link;
    if (!link) throw new Error('no link');
    // Issued at whole seconds (12:00:45), valid through 13:00:45.000 and refused a millisecond later.
    expect(link).toMatchObject({ jobId: job.id, from: job.start, issuedAt: Date.parse('2030-06-15T12:00:45.000Z') });
    expect(link.expiresAt).toBe(Date.parse('2030-06-15T13:00:45.000Z'));
    expect(signer.hasExpired(link, link.expiresAt)).toBe(false);
    expect(signer.hasExpired(link, link.expiresAt + 1)).toBe(true);
    // Every call issues afresh: a later GET's link expires later.
    const later = issueDownloadLinks(failedLast, 'app-1', signer, issuedAt + 60_000)[0]?.link;
    expect(later?.expiresAt).toBe(link.expiresAt + 60_000);
  });

  it('splits into N contiguous parts of nearly equal length, never more than the window has milliseconds', () => {
    const short = { ...job, start: 1_000, end: 1_010 };
    expect(reportParts({ ...short, split: { parts: 3 } }).map(({ from, to }) => [from, to])).toEqual([
      [1_000, 1_003],
      [1_003, 1_006],
      [1_006, 1_010],
    ]);
    expect(reportParts({ ...job, start: 0, end: 2, split: { parts: 5 } }).map(({ from, to }) => [from, to])).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it('knows both spellings of the agent activity event, and nothing else, as agent activity', () => {
    expect(isAgentActivity('Agent-IntelliAssign-Activity')).toBe(true);
    expect(isAgentActivity('Agent-Intelliassign-Activity')).toBe(true);
    expect(isAgentActivity('Agent-Activity')).toBe(false);
    expect(isAgentActivity('agent-intelliassign-activity')).toBe(false);
  });
});
