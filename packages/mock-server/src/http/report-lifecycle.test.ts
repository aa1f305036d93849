import type { FreshchatClient, RawReport, RawReportRequest } from '@freshchat-sandbox/client';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../domain/clock/virtual-clock.js';
import { activityRowsOf, downloadCsv, downloadPart } from '../testing/report-download.js';
import {
  ADMIN_ID,
  auth,
  frozenClock,
  IDS,
  iso,
  ORIGIN,
  openSandbox,
  T0,
  UNKNOWN_ID,
} from '../testing/sandbox-harness.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const EVENT = 'Agent-IntelliAssign-Activity';
const START_FORM = 'start: must have the form YYYY-MM-DDTHH:MM:SS[.sss]Z, such as 2020-12-14T13:00:00.000Z';
const END_FORM = 'end: must have the form YYYY-MM-DDTHH:MM:SS[.sss]Z, such as 2020-12-15T13:00:00.000Z';
const CSV_HEADER = 'agent_name,agent_id,activity_type,Agent_Status,Agent_Status_in_seconds,created_at';

/** A valid request over the day before T0. */
const dayBefore: RawReportRequest = { start: iso(T0 - DAY), end: iso(T0), event: EVENT, format: 'csv' };

async function getReport(freshchat: FreshchatClient, id: string) {
  return freshchat.GET('/reports/raw/{id}', { params: { path: { id } } });
}

async function completedReport(freshchat: FreshchatClient, id: string): Promise<RawReport> {
  const { data } = await getReport(freshchat, id);
  if (data?.status !== 'COMPLETED') throw new Error(`report ${id} is ${data?.status}`);
  return data;
}

const NAMES: Record<string, string> = {
  [IDS.john]: 'John Doe',
  [IDS.matt]: 'Matt Gibson',
  [IDS.sarah]: 'Sarah Jones',
  [IDS.sebastian]: 'Sebastian Ric',
  [ADMIN_ID]: 'Account Admin',
};

/** One expected CSV row. */
function row(agentId: string, status: string, seconds: number, selectedAt: number) {
  return {
    agent_name: NAMES[agentId] as string,
    agent_id: agentId,
    activity_type: status === 'Active on IntelliAssign' ? 'active' : 'inactive',
    agent_status: status,
    agent_status_in_seconds: seconds,
    created_at: iso(selectedAt),
  };
}

describe('requestRawReport', () => {
  it('answers 202 with the job id and its link, and rate-limit headers for the report limit', async () => {
    const { freshchat } = openSandbox();

    const { data, response } = await freshchat.POST('/reports/raw', { body: dayBefore });

    expect(response.status).toBe(202);
    expect(data?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(data?.link).toEqual({ rel: 'extracts', href: `/reports/raw/${data?.id}` });
    expect(response.headers.get('X-RateLimit-Limit')).toBe('1');
    expect(response.headers.get('X-RateLimit-Remaining')).toBe('0');
    expect(response.headers.get('X-RateLimit-Reset')).toBe(String((T0 + 60_000) / 1000));
  });

  const earliest = '2029-03-15T12:00:00.000Z'; // 15 calendar months before T0 (2030-06-15T12:00Z)
  it.each<[string, Record<string, unknown>, string]>([
    [
      'a start more than 15 calendar months ago',
      { start: '2029-03-15T11:59:59.999Z', end: '2029-03-16T00:00:00.000Z' },
      `start: must not be earlier than 15 months before now (${earliest})`,
    ],
    ['an end equal to the start', { start: iso(T0 - DAY), end: iso(T0 - DAY) }, 'end: must be after start'],
    ['an end before the start', { start: iso(T0 - DAY), end: iso(T0 - 2 * DAY) }, 'end: must be after start'],
    [
      'an end more than one calendar month after the start',
      { start: '2030-05-01T00:00:00.000Z', end: '2030-06-01T00:00:00.001Z' },
      'end: must not be later than one month after start (2030-06-01T00:00:00.000Z)',
    ],
    [
      'a month that is shorter than 31 days (Jan 31 + 1 month is Feb 28)',
      { start: '2030-01-31T00:00:00.000Z', end: '2030-03-01T00:00:00.000Z' },
      'end: must not be later than one month after start (2030-02-28T00:00:00.000Z)',
    ],
    ['a start with a non-UTC offset', { start: '2030-06-14T14:00:00+02:00' }, START_FORM],
    ['an end with a non-UTC offset', { end: '2030-06-15T07:00:00-05:00' }, END_FORM],
    ['a start with a zero offset (+00:00)', { start: '2030-06-14T12:00:00+00:00' }, START_FORM],
    ['an end with a zero offset (-00:00)', { end: '2030-06-15T12:00:00-00:00' }, END_FORM],
    ['a start with a lower-case z', { start: '2030-06-14T12:00:00.000z' }, START_FORM],
    ['a start with a space instead of T', { start: '2030-06-14 12:00:00.000Z' }, START_FORM],
    ['a start with a lower-case t', { start: '2030-06-14t12:00:00.000Z' }, START_FORM],
    ['a start with more than three fraction digits', { start: '2030-06-14T12:00:00.0000Z' }, START_FORM],
    ['an end with microseconds', { end: '2030-06-15T11:00:00.000000Z' }, END_FORM],
    ['a start without seconds', { start: '2030-06-14T12:00Z' }, START_FORM],
    ['a date without a time', { start: '2030-06-14' }, START_FORM],
    [
      "an end later than the clock's now",
      { end: '2030-06-15T12:00:00.001Z' },
      'end: must not be later than now (2030-06-15T12:00:00.000Z)',
    ],
    [
      'a window wholly in the future',
      { start: '2030-06-16T00:00:00Z', end: '2030-06-17T00:00:00Z' },
      'end: must not be later than now (2030-06-15T12:00:00.000Z)',
    ],
    ['a start that is not a date-time', { start: 'yesterday' }, START_FORM],
    ['a start without an offset', { start: '2030-06-14T12:00:00' }, START_FORM],
    ['a start in the form but not a date', { start: '2030-02-30T12:00:00Z' }, 'start: must match format "date-time"'],
    ['a format other than csv', { format: 'xlsx' }, 'format: must be one of csv'],
    [
      'an unknown event',
      { event: 'Agent-Status-Activity' },
      'event: must be one of Conversation-Created, Conversation-Agent-Assigned, Conversation-Group-Assigned, ' +
        'Message-Sent, First-Response-Time, Response-Time, Resolution-Time, Conversation-Resolution-Label, ' +
        'Conversation-Resolved, Agent-Activity, Agent-IntelliAssign-Activity, Agent-Intelliassign-Activity, ' +
        'CSAT-Score, Chat-Transcript',
    ],
    ['a missing format', { format: undefined }, 'format: is required'],
    [
      'a should_exclude_pii that is not a boolean',
      { should_exclude_pii: 'yes' },
      'should_exclude_pii: must be boolean',
    ],
  ])('answers 400 for %s, naming the field', async (_, change, message) => {
    const { freshchat } = openSandbox();

    const { error, response } = await freshchat.POST('/reports/raw', { body: { ...dayBefore, ...change } as never });

    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message });
  });

  it('answers 413 for a body over 64 KiB and 415 for a body not declared JSON, using up nothing', async () => {
    const { raw, freshchat } = openSandbox();
    const json = JSON.stringify(dayBefore);
    const post = (type: string, body: string) =>
      raw('/v2/reports/raw', { method: 'POST', headers: auth({ 'Content-Type': type }), body });

    const tooLarge = await post('application/json', json + ' '.repeat(64 * 1024 + 1 - json.length));
    const notJson = await post('text/plain', json);

    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({
      code: 413,
      status: 'PAYLOAD_TOO_LARGE',
      message: 'body: must not be larger than 65536 bytes',
    });
    expect(notJson.status).toBe(415);
    expect(await notJson.json()).toEqual({
      code: 415,
      status: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Content-Type: must be application/json',
    });
    expect((await freshchat.POST('/reports/raw', { body: dayBefore })).response.status).toBe(202);
  });

  it('accepts the edges: a start exactly 15 months ago, an end exactly one month after start or exactly now, 0–3 fraction digits', async () => {
    const { freshchat, advance } = openSandbox();
    const bodies: RawReportRequest[] = [
      { ...dayBefore, start: earliest, end: '2029-04-15T12:00:00.000Z' },
      { ...dayBefore, start: '2030-05-01T00:00:00.000Z', end: '2030-06-01T00:00:00.000Z' },
      { ...dayBefore, start: '2030-06-14T12:00:00Z', end: '2030-06-15T12:01:00.0Z' },
      { ...dayBefore, start: '2030-06-14T12:00:00.5Z', end: '2030-06-15T12:02:00.25Z' },
    ];
    for (const body of bodies) {
      const { response, error } = await freshchat.POST('/reports/raw', { body });
      expect(response.status, JSON.stringify(error)).toBe(202);
      await advance(60);
    }
  });

  it('accepts both spellings of the agent activity event', async () => {
    const { freshchat, advance } = openSandbox();
    const first = await freshchat.POST('/reports/raw', {
      body: { ...dayBefore, event: 'Agent-IntelliAssign-Activity' },
    });
    await advance(60);
    const second = await freshchat.POST('/reports/raw', {
      body: { ...dayBefore, event: 'Agent-Intelliassign-Activity' },
    });
    expect([first.response.status, second.response.status]).toEqual([202, 202]);
  });

  it('does not let a rejected request use up the minute', async () => {
    const { freshchat } = openSandbox();

    const invalid = await freshchat.POST('/reports/raw', { body: { ...dayBefore, format: 'pdf' as 'csv' } });
    const valid = await freshchat.POST('/reports/raw', { body: dayBefore });

    expect(invalid.response.status).toBe(400);
    expect(valid.response.status).toBe(202);
  });

  it('validates before the rate limit: an invalid request within the minute is 400, not 429', async () => {
    const { freshchat, advance } = openSandbox();
    await freshchat.POST('/reports/raw', { body: dayBefore });
    await advance(5);

    const invalid = await freshchat.POST('/reports/raw', { body: { ...dayBefore, end: dayBefore.start } });

    expect(invalid.response.status).toBe(400);
    expect(invalid.error).toEqual({ code: 400, status: 'INVALID_VALUE', message: 'end: must be after start' });
  });

  it('answers 429 with Retry-After in whole seconds until the minute since the accepted request is over', async () => {
    const { freshchat, advance } = openSandbox();
    await freshchat.POST('/reports/raw', { body: dayBefore });
    await advance(17.4);

    const refused = await freshchat.POST('/reports/raw', { body: dayBefore });

    expect(refused.response.status).toBe(429);
    expect(refused.response.headers.get('Retry-After')).toBe('43');
    expect(refused.error).toEqual({
      code: 429,
      status: 'TOO_MANY_REQUESTS',
      message: 'only 1 report request is accepted per minute; retry after 43 seconds',
    });

    await advance(42.5);
    const stillRefused = await freshchat.POST('/reports/raw', { body: dayBefore });
    expect(stillRefused.response.status).toBe(429);
    expect(stillRefused.response.headers.get('Retry-After')).toBe('1');

    await advance(0.1);
    const accepted = await freshchat.POST('/reports/raw', { body: dayBefore });
    expect(accepted.response.status).toBe(202);
  });

  it('a refused report POST carries the report window it was refused by in X-RateLimit-*', async () => {
    const { freshchat, advance } = openSandbox();
    const accepted = await freshchat.POST('/reports/raw', { body: dayBefore });
    await advance(17.4);

    const refused = await freshchat.POST('/reports/raw', { body: dayBefore });

    // The accepted POST spent the report window: that is the window both answers show.
    for (const { response } of [accepted, refused]) {
      expect(response.headers.get('X-RateLimit-Limit')).toBe('1');
      expect(response.headers.get('X-RateLimit-Remaining')).toBe('0');
      expect(response.headers.get('X-RateLimit-Reset')).toBe(String((T0 + 60_000) / 1000));
    }
    expect(refused.response.status).toBe(429);
    expect(refused.response.headers.get('Retry-After')).toBe('43');
  });

  it('accepts again once the clock has moved 60 seconds on', async () => {
    const { freshchat, advance } = openSandbox();
    await freshchat.POST('/reports/raw', { body: dayBefore });
    await advance(60);
    const { response } = await freshchat.POST('/reports/raw', { body: dayBefore });
    expect(response.status).toBe(202);
  });

  it('keeps one limit per account', async () => {
    const { freshchat, control, clientsFor } = openSandbox();
    const created = await control.POST('/_mock/accounts', { body: {} });
    const other = clientsFor(created.data?.token ?? '').freshchat;

    await freshchat.POST('/reports/raw', { body: dayBefore });
    const { response } = await other.POST('/reports/raw', { body: dayBefore });

    expect(response.status).toBe(202);
  });
});

describe('getRawReport', () => {
  it('is PENDING right after the request and COMPLETED once 30 clock-seconds have passed', async () => {
    const { freshchat, advance } = openSandbox();
    const { data: accepted } = await freshchat.POST('/reports/raw', { body: dayBefore });
    const id = accepted?.id ?? '';

    const pending = await getReport(freshchat, id);
    await advance(29.999);
    const stillPending = await getReport(freshchat, id);
    await advance(0.001);
    const completed = await getReport(freshchat, id);

    expect(pending.response.status).toBe(200);
    expect(pending.data).toEqual({
      id,
      status: 'PENDING',
      interval: '2030-06-14 12:00:00.0 2030-06-15 12:00:00.0',
      links: [],
    });
    expect(pending.response.headers.get('X-RateLimit-Limit')).toBe('5000');
    expect(pending.response.headers.get('X-RateLimit-Remaining')).toBe('4998');
    expect(stillPending.data?.status).toBe('PENDING');
    expect(completed.data?.status).toBe('COMPLETED');
    expect(completed.data?.links).toHaveLength(1);
  });

  it('honours reportDelaySeconds', async () => {
    const { freshchat, advance } = openSandbox({ reportDelaySeconds: 5 });
    const { data: accepted } = await freshchat.POST('/reports/raw', { body: dayBefore });
    const id = accepted?.id ?? '';

    await advance(4);
    const pending = await getReport(freshchat, id);
    await advance(1);
    const completed = await getReport(freshchat, id);

    expect(pending.data?.status).toBe('PENDING');
    expect(completed.data?.status).toBe('COMPLETED');
  });

  it('completes when real time alone brings the delay to an end', async () => {
    let real = 1_000_000;
    const { freshchat } = openSandbox({ clock: new VirtualClock(() => real, new Date(T0)), reportDelaySeconds: 1 });
    const { data: accepted } = await freshchat.POST('/reports/raw', { body: dayBefore });

    real += 999;
    const pending = await getReport(freshchat, accepted?.id ?? '');
    real += 1;
    const completed = await getReport(freshchat, accepted?.id ?? '');

    expect(pending.data?.status).toBe('PENDING');
    expect(completed.data?.status).toBe('COMPLETED');
  });

  it('is FAILED after the delay when a report_failure fault is injected, for the next report only', async () => {
    const { freshchat, control, advance } = openSandbox();
    const fault = await control.POST('/_mock/faults', { body: { type: 'report_failure' } });
    const { data: failing } = await freshchat.POST('/reports/raw', { body: dayBefore });

    const beforeDelay = await getReport(freshchat, failing?.id ?? '');
    await advance(30);
    const failed = await getReport(freshchat, failing?.id ?? '');
    await advance(30);
    const { data: fine } = await freshchat.POST('/reports/raw', { body: dayBefore });
    await advance(30);
    const completed = await getReport(freshchat, fine?.id ?? '');

    expect(fault.response.status).toBe(201);
    expect(beforeDelay.data?.status).toBe('PENDING');
    expect(failed.data).toEqual({
      id: failing?.id,
      status: 'FAILED',
      interval: '2030-06-14 12:00:00.0 2030-06-15 12:00:00.0',
      links: [],
    });
    expect(completed.data?.status).toBe('COMPLETED');
  });

  it('writes the interval with _ between its times under a report_interval fault, FAILED jobs too, for count jobs', async () => {
    const { freshchat, control, advance } = openSandbox();
    const fault = await control.POST('/_mock/faults', { body: { type: 'report_interval', count: 2 } });
    await control.POST('/_mock/faults', { body: { type: 'report_failure' } });
    const intervals: (string | undefined)[] = [];
    for (let i = 0; i < 3; i++) {
      const { data: accepted } = await freshchat.POST('/reports/raw', { body: dayBefore });
      await advance(60);
      intervals.push((await getReport(freshchat, accepted?.id ?? '')).data?.interval);
    }
    const { data: jobs } = await control.GET('/_mock/reports');

    expect(fault.data).toMatchObject({ type: 'report_interval', separator: '_', remaining: 2 });
    expect(intervals).toEqual([
      '2030-06-14 12:00:00.0_2030-06-15 12:00:00.0',
      '2030-06-14 12:00:00.0_2030-06-15 12:00:00.0',
      '2030-06-14 12:00:00.0 2030-06-15 12:00:00.0',
    ]);
    expect(jobs?.reports.map((job) => [job.status, job.interval])).toEqual([
      ['FAILED', intervals[0]],
      ['COMPLETED', intervals[1]],
      ['COMPLETED', intervals[2]],
    ]);
  });

  it('completes with its last sub-report FAILED and without a link under a report_part_status fault', async () => {
    const { freshchat, control, fetch, advance } = openSandbox();
    const fault = await control.POST('/_mock/faults', { body: { type: 'report_part_status' } });
    // The window touches two UTC days: split per day, two sub-reports.
    await control.POST('/_mock/faults', { body: { type: 'report_split', count: 2 } });
    const { data: partial } = await freshchat.POST('/reports/raw', { body: dayBefore });
    await advance(30);
    const report = await completedReport(freshchat, partial?.id ?? '');
    await advance(30);
    const { data: fine } = await freshchat.POST('/reports/raw', { body: dayBefore });
    await advance(30);

    expect(fault.data).toMatchObject({ type: 'report_part_status', status: 'FAILED', remaining: 1 });
    expect(report.links.map(({ from, to, status }) => ({ from, to, status }))).toEqual([
      { from: iso(T0 - DAY), to: '2030-06-15T00:00:00.000Z', status: 'COMPLETED' },
      { from: '2030-06-15T00:00:00.000Z', to: iso(T0), status: 'FAILED' },
    ]);
    expect(report.links[0]?.link?.rel).toBe('extraction');
    expect(report.links[1]).not.toHaveProperty('link');
    expect((await downloadCsv(fetch, report.links[0]?.link?.href ?? '')).split('\n')[0]).toBe(CSV_HEADER);
    const next = await completedReport(freshchat, fine?.id ?? '');
    expect(next.links.map((l) => l.status)).toEqual(['COMPLETED', 'COMPLETED']);
  });

  it.each([
    ['PENDING', false],
    ['IN_PROGRESS', false],
    ['SUCCESS', true],
  ] as const)('a report_part_status fault can give the last sub-report %s (link: %s)', async (status, hasLink) => {
    const { freshchat, control, advance } = openSandbox();
    await control.POST('/_mock/faults', { body: { type: 'report_part_status', status } });
    const { data } = await freshchat.POST('/reports/raw', { body: dayBefore });
    await advance(30);

    const last = (await completedReport(freshchat, data?.id ?? '')).links.at(-1);

    expect(last?.status).toBe(status);
    expect(last?.link !== undefined).toBe(hasLink);
  });

  it('answers 404 REPORT_NOT_FOUND for an unknown id and for another account’s report', async () => {
    const { freshchat, control, clientsFor } = openSandbox();
    const { data: mine } = await freshchat.POST('/reports/raw', { body: dayBefore });
    const created = await control.POST('/_mock/accounts', { body: {} });
    const other = clientsFor(created.data?.token ?? '').freshchat;
    const notFound = { code: 404, status: 'REPORT_NOT_FOUND', message: 'id: report not found' };

    const unknown = await getReport(freshchat, UNKNOWN_ID);
    const foreign = await getReport(other, mine?.id ?? '');

    expect(unknown.response.status).toBe(404);
    expect(unknown.error).toEqual(notFound);
    expect(foreign.response.status).toBe(404);
    expect(foreign.error).toEqual(notFound);
    expect((await getReport(freshchat, mine?.id ?? '')).response.status).toBe(200);
  });

  it('answers 400 naming id when it is not a uuid', async () => {
    const { freshchat } = openSandbox();
    const { error, response } = await getReport(freshchat, 'report-1');
    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message: 'id: must match format "uuid"' });
  });
});

describe('report links', () => {
  it('are one sub-report covering the whole window, named <job id>-<start ms>.zip, as in the guide’s example', async () => {
    const { freshchat, advance } = openSandbox();
    const start = '2030-06-13T13:00:00.000Z'; // two days before T0, 13:00: the window crosses two midnights
    const end = '2030-06-15T10:00:00.000Z';
    const { data: accepted } = await freshchat.POST('/reports/raw', {
      body: { start, end, event: EVENT, format: 'csv' },
    });
    await advance(30);

    const report = await completedReport(freshchat, accepted?.id ?? '');

    expect(report.interval).toBe('2030-06-13 13:00:00.0 2030-06-15 10:00:00.0');
    expect(report.links.map(({ from, to, status }) => ({ from, to, status }))).toEqual([
      { from: start, to: end, status: 'COMPLETED' },
    ]);
    const href = new URL(report.links[0]?.link?.href ?? '');
    expect(href.origin).toBe(ORIGIN);
    expect(href.pathname).toMatch(
      new RegExp(`^/_storage/extraction/[0-9a-f]{64}/2030/06/${accepted?.id}-${Date.parse(start)}\\.zip$`),
    );
    expect(href.searchParams.get('X-Amz-Expires')).toBe('3600');
  });

  it('links to the origin each request came to, for several names within one clock-second', async () => {
    const { mock, freshchat, advance } = openSandbox();
    const { data: accepted } = await freshchat.POST('/reports/raw', { body: dayBefore });
    await advance(30);
    const asked = ['http://127.0.0.1:4010', 'http://LOCALHOST:4010', 'http://localhost:80', 'http://[::1]:4010'];
    for (let round = 0; round < 2; round++) {
      const origins: string[] = [];
      for (const origin of asked) {
        const response = await mock.app.request(`${origin}/v2/reports/raw/${accepted?.id}`, { headers: auth() });
        const report = (await response.json()) as RawReport;
        origins.push(new URL(report.links[0]?.link?.href ?? '').origin);
      }
      expect(origins).toEqual([
        'http://127.0.0.1:4010',
        'http://localhost:4010',
        'http://localhost',
        'http://[::1]:4010',
      ]);
    }
  });

  it('split at UTC midnights under a report_split fault: one absolute link per calendar day, next report only', async () => {
    const { freshchat, control, advance } = openSandbox();
    await control.POST('/_mock/faults', { body: { type: 'report_split' } });
    const start = '2030-06-13T13:00:00.000Z';
    const end = '2030-06-15T10:00:00.000Z';
    const { data: accepted } = await freshchat.POST('/reports/raw', {
      body: { start, end, event: EVENT, format: 'csv' },
    });
    await advance(60);
    const { data: next } = await freshchat.POST('/reports/raw', { body: { start, end, event: EVENT, format: 'csv' } });
    await advance(30);

    const report = await completedReport(freshchat, accepted?.id ?? '');

    expect(report.links.map(({ from, to, status }) => ({ from, to, status }))).toEqual([
      { from: start, to: '2030-06-14T00:00:00.000Z', status: 'COMPLETED' },
      { from: '2030-06-14T00:00:00.000Z', to: '2030-06-15T00:00:00.000Z', status: 'COMPLETED' },
      { from: '2030-06-15T00:00:00.000Z', to: end, status: 'COMPLETED' },
    ]);
    for (const { link, from } of report.links) {
      expect(link?.rel).toBe('extraction');
      expect(link?.href.startsWith(`${ORIGIN}/_storage/extraction/`)).toBe(true);
      expect(new URL(link?.href ?? '').pathname.endsWith(`/${accepted?.id}-${Date.parse(from)}.zip`)).toBe(true);
    }
    expect(new Set(report.links.map((l) => l.link?.href)).size).toBe(3);
    expect((await completedReport(freshchat, next?.id ?? '')).links).toHaveLength(1);
  });

  it('split into N contiguous, nearly equal parts under a report_split fault with parts', async () => {
    const { freshchat, control, fetch, advance } = openSandbox();
    const fault = await control.POST('/_mock/faults', { body: { type: 'report_split', parts: 3 } });
    await advance(10);
    const start = iso(T0);
    const end = iso(T0 + 10_000);
    const { data: accepted } = await freshchat.POST('/reports/raw', {
      body: { start, end, event: EVENT, format: 'csv' },
    });
    await advance(30);

    const report = await completedReport(freshchat, accepted?.id ?? '');

    expect(fault.data).toMatchObject({ type: 'report_split', parts: 3, remaining: 1 });
    expect(report.links.map(({ from, to }) => ({ from, to }))).toEqual([
      { from: start, to: iso(T0 + 3_333) },
      { from: iso(T0 + 3_333), to: iso(T0 + 6_666) },
      { from: iso(T0 + 6_666), to: end },
    ]);
    const parts = await activityRowsOf(fetch, report);
    // Every agent's 10 s in the window, spread over the three parts: whole seconds inside each.
    expect(
      parts.map((p) => p.rows.filter((r) => r.agent_id === IDS.john).map((r) => r.agent_status_in_seconds)),
    ).toEqual([[3], [3], [3]]);
  });

  it('serve, without Authorization, a zip holding exactly one CSV', async () => {
    const { freshchat, fetch, advance } = openSandbox();
    const { data: accepted } = await freshchat.POST('/reports/raw', { body: dayBefore });
    await advance(30);
    const report = await completedReport(freshchat, accepted?.id ?? '');
    const href = report.links[0]?.link?.href ?? '';

    const request = new Request(href);
    const part = await downloadPart(fetch, href);

    expect(request.headers.has('Authorization')).toBe(false);
    expect(part.status).toBe(200);
    // As the storage service answers Freshchat's links, which ask for these two headers.
    expect(part.contentType).toBe('application/octet-stream');
    const key = new URL(href).pathname.replace('/_storage/', '');
    expect(key).toMatch(new RegExp(`^extraction/[0-9a-f]{64}/\\d{4}/\\d{2}/${accepted?.id}-\\d+\\.zip$`));
    expect((await fetch(new Request(href))).headers.get('content-disposition')).toBe(`attachment; filename=${key}`);
    const names = Object.keys(part.files);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/\.csv$/);
    expect(part.files[names[0] as string]?.split('\n')[0]).toBe(CSV_HEADER);
  });

  it('refuse a request that also carries Authorization: 400 InvalidArgument in XML, as S3 does', async () => {
    const { freshchat, fetch, advance } = openSandbox();
    const { data: accepted } = await freshchat.POST('/reports/raw', { body: dayBefore });
    await advance(30);
    const href = (await completedReport(freshchat, accepted?.id ?? '')).links[0]?.link?.href ?? '';

    for (const authorization of ['Bearer sandbox-token', 'Bearer not-a-token', 'Basic dXNlcjpwYXNz', '']) {
      const refused = await fetch(new Request(href, { headers: { Authorization: authorization } }));
      expect(refused.status, authorization).toBe(400);
      expect(refused.headers.get('content-type')).toBe('application/xml');
      expect(await refused.text()).toBe(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism ' +
          'allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization ' +
          'header should be specified</Message><ArgumentName>Authorization</ArgumentName></Error>',
      );
    }
    // The same link without the header is served.
    expect((await downloadPart(fetch, href)).status).toBe(200);
  });

  it('are issued afresh by every GET, each valid one hour of clock time from that GET', async () => {
    const { freshchat, fetch, advance } = openSandbox();
    const { data: accepted } = await freshchat.POST('/reports/raw', { body: dayBefore });
    await advance(30);
    const id = accepted?.id ?? '';

    const first = (await completedReport(freshchat, id)).links[0]?.link?.href ?? '';
    await advance(1800);
    const second = (await completedReport(freshchat, id)).links[0]?.link?.href ?? '';

    expect(second).not.toBe(first);
    await advance(1799);
    expect((await downloadPart(fetch, first)).status).toBe(200); // 3599 s after its GET
    await advance(2);
    const expired = await fetch(new Request(first)); // 3601 s after its GET
    expect(expired.status).toBe(403);
    expect(expired.headers.get('content-type')).toBe('application/xml');
    expect(await expired.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
    );
    expect((await downloadPart(fetch, second)).status).toBe(200); // 1801 s after its GET
    await advance(1800);
    expect((await downloadPart(fetch, second)).status).toBe(403);
    const third = (await completedReport(freshchat, id)).links[0]?.link?.href ?? '';
    expect((await downloadPart(fetch, third)).status).toBe(200);
  });

  it('answer 403 SignatureDoesNotMatch when tampered with', async () => {
    const { freshchat, control, fetch, advance } = openSandbox();
    await control.POST('/_mock/faults', { body: { type: 'report_split' } });
    const { data: accepted } = await freshchat.POST('/reports/raw', {
      body: { ...dayBefore, start: iso(T0 - 2 * DAY) },
    });
    await advance(30);
    const report = await completedReport(freshchat, accepted?.id ?? '');
    const href = report.links[0]?.link?.href ?? '';
    const url = new URL(href);
    const signature = url.searchParams.get('X-Amz-Signature') ?? '';

    const tampered = (edit: (u: URL) => void) => {
      const copy = new URL(href);
      edit(copy);
      return copy.toString();
    };
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
    const otherPart = new URL(report.links[1]?.link?.href ?? '').pathname;
    const variants = [
      tampered((u) => u.searchParams.set('X-Amz-Signature', flipped)),
      tampered((u) => u.searchParams.set('X-Amz-Expires', '86400')),
      tampered((u) => u.searchParams.set('X-Amz-Date', '20990101T000000Z')),
      tampered((u) => {
        u.pathname = otherPart;
      }),
      // The answer's headers the link asks for are signed too, as every parameter of a pre-signed query is.
      tampered((u) => u.searchParams.set('response-content-type', 'application/zip')),
      tampered((u) => u.searchParams.delete('response-content-type')),
      tampered((u) => u.searchParams.set('response-content-disposition', 'attachment; filename=report.zip')),
      tampered((u) => u.searchParams.delete('response-content-disposition')),
    ];
    for (const variant of variants) {
      const response = await fetch(new Request(variant));
      expect(response.status, variant).toBe(403);
      expect(response.headers.get('content-type')).toBe('application/xml');
      expect(await response.text()).toBe(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code>' +
          '<Message>The request signature we calculated does not match the signature you provided.</Message></Error>',
      );
    }
  });

  it('answer 403 AccessDenied in XML for a malformed link and after a reset', async () => {
    const { freshchat, control, fetch, advance } = openSandbox();
    const { data: accepted } = await freshchat.POST('/reports/raw', { body: dayBefore });
    await advance(30);
    const href = (await completedReport(freshchat, accepted?.id ?? '')).links[0]?.link?.href ?? '';
    const malformed = new URL(href);
    malformed.searchParams.delete('X-Amz-Signature');

    const missingSignature = await fetch(new Request(malformed));
    await control.POST('/_mock/reset');
    const afterReset = await fetch(new Request(href));

    const accessDenied =
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';
    expect(missingSignature.status).toBe(403);
    expect(await missingSignature.text()).toBe(accessDenied);
    expect(afterReset.status).toBe(403);
    expect(await afterReset.text()).toBe(accessDenied);
  });
});

describe('report content', () => {
  /** T0: seed; +100 s John → Meeting; +190 s John → Lunch; +220 s report requested; +250 s completed. */
  async function scriptedHistory(options: { reportsPerMinute?: number } = {}) {
    const sandbox = openSandbox({ limits: { reportsPerMinute: options.reportsPerMinute ?? 1 } });
    const { freshchat, advance } = sandbox;
    const patch = (statusId: string) =>
      freshchat.PATCH('/agents/{agent_id}', {
        params: { path: { agent_id: IDS.john } },
        body: { agent_status: { id: statusId } },
      });
    await advance(100);
    await patch(IDS.meeting);
    await advance(90);
    await patch(IDS.lunch);
    await advance(30);
    return { ...sandbox, patch };
  }

  it('has one row per period with whole seconds, activity type and when the status was selected', async () => {
    const { freshchat, fetch, advance, patch } = await scriptedHistory();
    const { data: accepted } = await freshchat.POST('/reports/raw', {
      body: { start: iso(T0), end: iso(T0 + 220_000), event: EVENT, format: 'csv' },
    });
    await advance(30);

    const report = await completedReport(freshchat, accepted?.id ?? '');
    const csv = await downloadCsv(fetch, report.links[0]?.link?.href ?? '');
    const parts = await activityRowsOf(fetch, report);

    expect(csv.split('\n')[0]).toBe(CSV_HEADER);
    const expected = [
      row(IDS.john, 'Active on IntelliAssign', 100, T0),
      row(IDS.matt, 'Active on IntelliAssign', 220, T0),
      row(IDS.sarah, 'Active on IntelliAssign', 220, T0),
      row(IDS.sebastian, 'Active on IntelliAssign', 220, T0),
      row(ADMIN_ID, 'Active on IntelliAssign', 220, T0),
      row(IDS.john, 'Meeting', 90, T0 + 100_000),
      row(IDS.john, 'Lunch', 30, T0 + 190_000), // still going on: clipped at the window's end
    ];
    expect(parts).toEqual([{ from: iso(T0), to: iso(T0 + 220_000), rows: expected }]);

    // A snapshot: what happens after completion is not in it, however often the report is fetched again.
    await advance(10);
    await patch(IDS.break);
    await advance(10);
    const again = await completedReport(freshchat, accepted?.id ?? '');
    expect(await activityRowsOf(fetch, again)).toEqual([{ from: iso(T0), to: iso(T0 + 220_000), rows: expected }]);
  });

  it('clips periods to the window and keeps created_at when the period began before it', async () => {
    const { freshchat, fetch, advance } = await scriptedHistory({ reportsPerMinute: 2 });
    const { data: late } = await freshchat.POST('/reports/raw', {
      body: { start: iso(T0 + 150_000), end: iso(T0 + 220_000), event: EVENT, format: 'csv' },
    });
    const { data: early } = await freshchat.POST('/reports/raw', {
      body: { start: iso(T0 - HOUR), end: iso(T0 + 200_000), event: EVENT, format: 'csv' },
    });
    await advance(30);

    const lateRows = (await activityRowsOf(fetch, await completedReport(freshchat, late?.id ?? '')))[0]?.rows;
    const earlyRows = (await activityRowsOf(fetch, await completedReport(freshchat, early?.id ?? '')))[0]?.rows;

    expect(lateRows).toEqual([
      row(IDS.matt, 'Active on IntelliAssign', 70, T0),
      row(IDS.sarah, 'Active on IntelliAssign', 70, T0),
      row(IDS.sebastian, 'Active on IntelliAssign', 70, T0),
      row(ADMIN_ID, 'Active on IntelliAssign', 70, T0),
      row(IDS.john, 'Meeting', 40, T0 + 100_000),
      row(IDS.john, 'Lunch', 30, T0 + 190_000),
    ]);
    expect(earlyRows).toEqual([
      row(IDS.john, 'Active on IntelliAssign', 100, T0),
      row(IDS.matt, 'Active on IntelliAssign', 200, T0),
      row(IDS.sarah, 'Active on IntelliAssign', 200, T0),
      row(IDS.sebastian, 'Active on IntelliAssign', 200, T0),
      row(ADMIN_ID, 'Active on IntelliAssign', 200, T0),
      row(IDS.john, 'Meeting', 90, T0 + 100_000),
      row(IDS.john, 'Lunch', 10, T0 + 190_000),
    ]);
  });

  it('splits a period that crosses midnight between the two days’ sub-reports (report_split)', async () => {
    const evening = Date.parse('2030-06-14T22:00:00.000Z');
    const { freshchat, control, fetch, advance } = openSandbox({ clock: frozenClock(evening) });
    await control.POST('/_mock/faults', { body: { type: 'report_split' } });
    const patch = (statusId: string) =>
      freshchat.PATCH('/agents/{agent_id}', {
        params: { path: { agent_id: IDS.john } },
        body: { agent_status: { id: statusId } },
      });
    await advance(3600);
    await patch(IDS.meeting); // 23:00
    await advance(7200);
    await patch(IDS.active); // 01:00 the next day
    await advance(30);
    const { data: accepted } = await freshchat.POST('/reports/raw', {
      body: { start: iso(evening), end: '2030-06-15T01:00:30.000Z', event: EVENT, format: 'csv' },
    });
    await advance(30);

    const parts = await activityRowsOf(fetch, await completedReport(freshchat, accepted?.id ?? ''));

    expect(parts).toEqual([
      {
        from: iso(evening),
        to: '2030-06-15T00:00:00.000Z',
        rows: [
          row(IDS.john, 'Active on IntelliAssign', 3600, evening),
          row(IDS.matt, 'Active on IntelliAssign', 7200, evening),
          row(IDS.sarah, 'Active on IntelliAssign', 7200, evening),
          row(IDS.sebastian, 'Active on IntelliAssign', 7200, evening),
          row(ADMIN_ID, 'Active on IntelliAssign', 7200, evening),
          row(IDS.john, 'Meeting', 3600, evening + HOUR),
        ],
      },
      {
        from: '2030-06-15T00:00:00.000Z',
        to: '2030-06-15T01:00:30.000Z',
        rows: [
          row(IDS.matt, 'Active on IntelliAssign', 3630, evening),
          row(IDS.sarah, 'Active on IntelliAssign', 3630, evening),
          row(IDS.sebastian, 'Active on IntelliAssign', 3630, evening),
          row(ADMIN_ID, 'Active on IntelliAssign', 3630, evening),
          row(IDS.john, 'Meeting', 3600, evening + HOUR),
          row(IDS.john, 'Active on IntelliAssign', 30, evening + 3 * HOUR),
        ],
      },
    ]);
  });

  it('names the status as it was when selected, even after a rename', async () => {
    const { freshchat, control, fetch, advance } = await scriptedHistory();
    await control.PATCH('/_mock/statuses/{status_id}', {
      params: { path: { status_id: IDS.meeting } },
      body: { name: 'Stand-up' },
    });
    const { data: accepted } = await freshchat.POST('/reports/raw', {
      body: { start: iso(T0), end: iso(T0 + 220_000), event: EVENT, format: 'csv' },
    });
    await advance(30);

    const [part] = await activityRowsOf(fetch, await completedReport(freshchat, accepted?.id ?? ''));

    expect(part?.rows.map((r) => r.agent_status)).toContain('Meeting');
    expect(part?.rows.map((r) => r.agent_status)).not.toContain('Stand-up');
  });

  it('quotes names that hold commas, quotes or line breaks, so they read back as they are', async () => {
    const { freshchat, control, fetch, advance } = openSandbox();
    const agent = await control.POST('/_mock/agents', { body: { first_name: 'Ann "Q"', last_name: 'Lee, Jr.' } });
    const status = await control.POST('/_mock/statuses', { body: { name: 'Call,\n"urgent"' } });
    await advance(10);
    await freshchat.PATCH('/agents/{agent_id}', {
      params: { path: { agent_id: agent.data?.id ?? '' } },
      body: { agent_status: { id: status.data?.id ?? '' } },
    });
    await advance(30);
    const { data: accepted } = await freshchat.POST('/reports/raw', {
      body: { start: iso(T0), end: iso(T0 + 40_000), event: EVENT, format: 'csv' },
    });
    await advance(30);

    const [part] = await activityRowsOf(fetch, await completedReport(freshchat, accepted?.id ?? ''));

    expect(part?.rows.filter((r) => r.agent_id === agent.data?.id)).toEqual([
      { ...row(IDS.john, 'Active on IntelliAssign', 10, T0), agent_name: 'Ann "Q" Lee, Jr.', agent_id: agent.data?.id },
      {
        ...row(IDS.john, 'Call,\n"urgent"', 30, T0 + 10_000),
        agent_name: 'Ann "Q" Lee, Jr.',
        agent_id: agent.data?.id,
      },
    ]);
  });

  it('leaves agent names out with should_exclude_pii', async () => {
    const { freshchat, fetch, advance } = await scriptedHistory();
    const { data: accepted, response } = await freshchat.POST('/reports/raw', {
      body: { start: iso(T0), end: iso(T0 + 220_000), event: EVENT, format: 'csv', should_exclude_pii: true },
    });
    await advance(30);

    const [part] = await activityRowsOf(fetch, await completedReport(freshchat, accepted?.id ?? ''));

    expect(response.status).toBe(202);
    expect(part?.rows).toHaveLength(7);
    expect(part?.rows.map((r) => r.agent_name)).toEqual(['', '', '', '', '', '', '']);
    expect(part?.rows.map((r) => r.agent_id)).toEqual([
      IDS.john,
      IDS.matt,
      IDS.sarah,
      IDS.sebastian,
      ADMIN_ID,
      IDS.john,
      IDS.john,
    ]);
  });

  it('serves an empty CSV, with no invented columns, for an event without simulated content', async () => {
    const { freshchat, fetch, advance } = openSandbox();
    const { data: accepted } = await freshchat.POST('/reports/raw', {
      body: { ...dayBefore, event: 'Conversation-Created' },
    });
    await advance(30);

    const csv = await downloadCsv(
      fetch,
      (await completedReport(freshchat, accepted?.id ?? '')).links[0]?.link?.href ?? '',
    );

    expect(csv).toBe('');
  });
});
