import { downloadReport, type RawReport, type RawReportRequest } from '@freshchat-sandbox/client';
import { describe, expect, it } from 'vitest';
import type { ContractTarget } from '../target.js';
import {
  advanceClock,
  controlClient,
  expectError,
  expectRetryAfter,
  fetchLink,
  freshchatClient,
  isoSeconds,
  ok,
  SANDBOX_ONLY,
  SEED,
  sandboxControl,
  send,
  targetNow,
  UNKNOWN_ID,
} from './context.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const EVENT = 'Agent-IntelliAssign-Activity';

/**
 * A valid request over `[now - hoursBack, now)` on the target's clock, to the whole second (never in the future: a
 * window may not end after now).
 */
async function reportWindow(target: ContractTarget, hoursBack: number): Promise<RawReportRequest> {
  const now = Math.floor((await targetNow(target)) / 1000) * 1000;
  return {
    start: isoSeconds(now - hoursBack * HOUR),
    end: isoSeconds(now),
    event: EVENT,
    format: 'csv',
  };
}

/** How many UTC calendar days `[start, end)` touches. */
function utcDays(start: string, end: string): number {
  const first = Math.floor(Date.parse(start) / DAY);
  const last = Math.floor((Date.parse(end) - 1) / DAY);
  return last - first + 1;
}

/**
 * Requests a report on the sandbox (of the last `hoursBack` hours, or of `window`) and moves its clock until the job
 * is done (30 clock-seconds by default).
 */
async function finishedReport(target: ContractTarget, hoursBack = 2, window?: RawReportRequest): Promise<RawReport> {
  const freshchat = freshchatClient(target);
  const accepted = ok(
    await freshchat.POST('/reports/raw', { body: window ?? (await reportWindow(target, hoursBack)) }),
    'request report',
  );
  for (let polls = 0; polls < 240; polls++) {
    const report = ok(await freshchat.GET('/reports/raw/{id}', { params: { path: { id: accepted.id } } }), 'poll');
    if (report.status !== 'PENDING') return report;
    await advanceClock(target, 30);
  }
  throw new Error(`report ${accepted.id} still PENDING after two clock-hours`);
}

/**
 * Registers the checks of the Extract API (`POST /reports/raw`, `GET /reports/raw/{id}`): the window rules, the
 * one-request-per-minute limit, polling; on the sandbox, the whole PENDING→COMPLETED lifecycle on the virtual
 * clock, the downloads and their expiry, failed jobs and the isolation of accounts.
 *
 * @example
 * describe('my Freshchat target', () => reportChecks(target));
 */
export function reportChecks(target: ContractTarget): void {
  const sandboxIt = it.skipIf(!target.sandbox);
  describe('POST /reports/raw (requestRawReport)', () => {
    it('400: windows and fields the Extract API refuses, each naming its field', async () => {
      const valid = await reportWindow(target, 24);
      const now = Date.parse(valid.end);
      const cases: [Record<string, unknown>, string][] = [
        [{ ...valid, start: isoSeconds(now - 16 * 31 * DAY) }, 'start'],
        [{ ...valid, end: valid.start }, 'end'],
        [{ ...valid, end: isoSeconds(Date.parse(valid.start) + 32 * DAY) }, 'end'],
        [{ ...valid, start: valid.start.replace('Z', '+02:00') }, 'start'],
        [{ ...valid, format: 'xlsx' }, 'format'],
        [{ ...valid, event: 'Agent-Moods' }, 'event'],
        [{ end: valid.end, event: EVENT, format: 'csv' }, 'start'],
      ];
      for (const [body, field] of cases) {
        await expectError(await send(target, { method: 'POST', path: '/reports/raw', body }), 400, { field });
      }
    });

    sandboxIt(
      `400, the sandbox's stricter choices: times only in the guide's form (YYYY-MM-DDTHH:MM:SS[.sss]Z), and no window that ends in the future ${SANDBOX_ONLY}`,
      async () => {
        const valid = await reportWindow(target, 24);
        const now = Date.parse(valid.end);
        const cases: [Record<string, unknown>, string][] = [
          [{ ...valid, start: valid.start.replace('Z', '+00:00') }, 'start'],
          [{ ...valid, end: valid.end.replace('Z', 'z') }, 'end'],
          [{ ...valid, start: valid.start.replace('T', ' ') }, 'start'],
          [{ ...valid, end: valid.end.replace('Z', '.000000Z') }, 'end'],
          [{ ...valid, end: isoSeconds(now + HOUR) }, 'end'],
        ];
        for (const [body, field] of cases) {
          const error = await expectError(await send(target, { method: 'POST', path: '/reports/raw', body }), 400, {
            field,
          });
          if (body.end !== valid.end && field === 'end' && Date.parse(String(body.end)) > now) {
            expect(error.message).toContain('now');
          } else {
            expect(error.message).toContain('YYYY-MM-DDTHH:MM:SS[.sss]Z');
          }
        }
      },
    );

    it('202 then 200: the job can be polled; a second request within the minute is 429 with Retry-After; refused requests did not use the minute', async () => {
      const body = await reportWindow(target, 24);
      await expectError(
        await send(target, { method: 'POST', path: '/reports/raw', body: { ...body, format: 'xlsx' } }),
        400,
      );

      let first = await send(target, { method: 'POST', path: '/reports/raw', body });
      if (first.status === 429 && !target.sandbox) {
        // A real account may have had a report requested in the last minute (by a previous run): wait it out once.
        await new Promise((resolve) => setTimeout(resolve, expectRetryAfter(first, 60) * 1000));
        first = await send(target, { method: 'POST', path: '/reports/raw', body });
      }
      const text = await first.text();
      expect(first.status, `a report request was already made this minute? ${text}`).toBe(202);
      const accepted = JSON.parse(text) as { id: string; link: { rel: string; href: string } };
      expect(accepted.link).toMatchObject({ rel: 'extracts', href: `/reports/raw/${accepted.id}` });
      expect(first.headers.get('x-ratelimit-limit')).toMatch(/^\d+$/);

      const job = await send(target, { method: 'GET', path: accepted.link.href });
      expect(job.status).toBe(200);
      const report = (await job.json()) as RawReport;
      expect(report.id).toBe(accepted.id);
      expect(['PENDING', 'COMPLETED', 'FAILED']).toContain(report.status);
      expect(report.interval).toEqual(expect.any(String));
      if (report.status !== 'COMPLETED') expect(report.links).toEqual([]);

      const second = await send(target, { method: 'POST', path: '/reports/raw', body });
      expectRetryAfter(second, 60);
      if (target.sandbox) {
        // The report window refused it: its headers say so (one a minute, none left).
        expect(second.headers.get('x-ratelimit-limit')).toBe('1');
        expect(second.headers.get('x-ratelimit-remaining')).toBe('0');
        expect(second.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
      }
      await expectError(second, 429);
    });
  });

  describe('GET /reports/raw/{id} (getRawReport)', () => {
    it('400: an id that is not a UUID, naming id', async () => {
      await expectError(await send(target, { method: 'GET', path: '/reports/raw/latest' }), 400, { field: 'id' });
    });

    it('404: an id no job has, REPORT_NOT_FOUND', async () => {
      await expectError(await send(target, { method: 'GET', path: `/reports/raw/${UNKNOWN_ID}` }), 404, {
        code: 'REPORT_NOT_FOUND',
      });
    });

    sandboxIt(
      `PENDING until the delay passes on the clock, then COMPLETED: one link for the whole window, as the guide's example, a zipped CSV that shows what happened ${SANDBOX_ONLY}`,
      async () => {
        const freshchat = freshchatClient(target);
        ok(
          await freshchat.PATCH('/agents/{agent_id}', {
            params: { path: { agent_id: SEED.agents.johnDoe } },
            body: { agent_status: { id: SEED.customStatuses.Meeting } },
          }),
          'patch',
        );
        // 601: the window ends on a whole second, and the change was made between two.
        await advanceClock(target, 601);
        const body = await reportWindow(target, 26);
        const accepted = ok(await freshchat.POST('/reports/raw', { body }), 'request report');
        const pending = ok(await freshchat.GET('/reports/raw/{id}', { params: { path: { id: accepted.id } } }), 'poll');
        expect(pending).toMatchObject({ id: accepted.id, status: 'PENDING', links: [] });

        let done = pending;
        for (let polls = 0; done.status === 'PENDING' && polls < 240; polls++) {
          await advanceClock(target, 30);
          done = ok(await freshchat.GET('/reports/raw/{id}', { params: { path: { id: accepted.id } } }), 'poll');
        }
        expect(done.status).toBe('COMPLETED');
        expect(done.links).toHaveLength(1);
        expect(done.links[0]?.from).toBe(new Date(body.start).toISOString());
        expect(done.links[0]?.to).toBe(new Date(body.end).toISOString());
        expect(done.links[0]?.link?.rel).toBe('extraction');
        expect(new URL(done.links[0]?.link?.href ?? '').pathname).toMatch(
          new RegExp(`^/_storage/.*/${accepted.id}-${Date.parse(body.start)}\\.zip$`),
        );

        const { rows } = await downloadReport(done, { event: EVENT, fetch: sandboxControl(target).fetch });
        const meeting = rows.filter((r) => r.agent_id === SEED.agents.johnDoe && r.agent_status === 'Meeting');
        expect(meeting.length).toBeGreaterThan(0);
        expect(meeting.every((r) => r.activity_type === 'inactive' && r.agent_name === 'John Doe')).toBe(true);
        expect(meeting.reduce((sum, r) => sum + r.agent_status_in_seconds, 0)).toBeGreaterThanOrEqual(600);
      },
    );

    sandboxIt(
      `a download link expires one clock-hour after the GET that issued it (403, XML); the next GET issues fresh ones ${SANDBOX_ONLY}`,
      async () => {
        const report = await finishedReport(target);
        const href = report.links[0]?.link?.href as string;
        const fresh = await fetchLink(target, href);
        expect(fresh.status).toBe(200);
        expect(fresh.headers.get('content-type')).toBe('application/octet-stream');
        await fresh.body?.cancel();

        await advanceClock(target, 3601);
        const expired = await fetchLink(target, href);
        expect(expired.status).toBe(403);
        expect(await expired.text()).toMatch(/<Error><Code>AccessDenied<\/Code>/);

        const again = ok(
          await freshchatClient(target).GET('/reports/raw/{id}', { params: { path: { id: report.id } } }),
          'poll',
        );
        const renewed = await fetchLink(target, again.links[0]?.link?.href as string);
        expect(renewed.status).toBe(200);
        await renewed.body?.cancel();
      },
    );

    sandboxIt(
      `a report_split fault splits the next job per UTC day, or into N parts; every link reads, in order ${SANDBOX_ONLY}`,
      async () => {
        // One window for the three reports (a minute apart: one report request a minute), so they read the same;
        // ten clock-minutes of history in it at least, whatever ran before.
        await advanceClock(target, 600);
        const window = await reportWindow(target, 30);
        ok(await controlClient(target).POST('/_mock/faults', { body: { type: 'report_split' } }), 'split per day');
        const daily = await finishedReport(target, 30, window);
        await advanceClock(target, 60);
        ok(await controlClient(target).POST('/_mock/faults', { body: { type: 'report_split', parts: 4 } }), 'split');
        const four = await finishedReport(target, 30, window);
        await advanceClock(target, 60);
        const whole = await finishedReport(target, 30, window);

        const [start, end] = [whole.links[0]?.from as string, whole.links[0]?.to as string];
        expect([start, end]).toEqual([new Date(window.start).toISOString(), new Date(window.end).toISOString()]);
        expect(daily.links).toHaveLength(utcDays(start, end));
        expect(four.links).toHaveLength(4);
        expect(whole.links).toHaveLength(1);
        for (const report of [daily, four]) {
          expect(report.links[0]?.from).toBe(start);
          expect(report.links.at(-1)?.to).toBe(end);
          for (const [i, part] of report.links.entries()) {
            if (i > 0) expect(part.from).toBe(report.links[i - 1]?.to);
            expect(new URL(part.link?.href ?? '').pathname).toMatch(
              new RegExp(`/${report.id}-${Date.parse(part.from)}\\.zip$`),
            );
          }
        }
        // Reading every link gives the same seconds per agent as the one link of the whole report.
        const fetch = sandboxControl(target).fetch;
        const seconds = async (report: RawReport) => {
          const { rows } = await downloadReport(report, { event: EVENT, fetch });
          return rows.reduce((sum, r) => sum + r.agent_status_in_seconds, 0);
        };
        const total = await seconds(whole);
        expect(total).toBeGreaterThan(0);
        expect(await seconds(four)).toBe(total);
        expect(await seconds(daily)).toBe(total);
      },
    );

    sandboxIt(
      `a download link refuses a request that also carries Authorization (400 InvalidArgument, XML) ${SANDBOX_ONLY}`,
      async () => {
        const report = await finishedReport(target);
        const href = report.links[0]?.link?.href as string;
        const refused = await sandboxControl(target).fetch(
          new Request(href, { headers: { Authorization: `Bearer ${target.token}` } }),
        );
        expect(refused.status).toBe(400);
        const xml = await refused.text();
        expect(xml).toMatch(/<Error><Code>InvalidArgument<\/Code><Message>Only one auth mechanism allowed;/);
        expect(xml).toContain('<ArgumentName>Authorization</ArgumentName>');
        const served = await fetchLink(target, href);
        expect(served.status).toBe(200);
        await served.body?.cancel();
      },
    );

    sandboxIt(`a tampered download link is refused with 403 ${SANDBOX_ONLY}`, async () => {
      const report = await finishedReport(target);
      const url = new URL(report.links[0]?.link?.href as string);
      const signature = url.searchParams.get('X-Amz-Signature') ?? '';
      url.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
      const response = await fetchLink(target, url.href);
      expect(response.status).toBe(403);
      expect(await response.text()).toMatch(/<Error><Code>\w+<\/Code>/);
    });

    sandboxIt(
      `a report_interval fault writes the next job's interval with _ between its times, as Freshchat's has been seen to ${SANDBOX_ONLY}`,
      async () => {
        ok(await controlClient(target).POST('/_mock/faults', { body: { type: 'report_interval' } }), 'inject fault');
        const report = await finishedReport(target);
        // Two times, each `YYYY-MM-DD HH:MM:SS.s…`, with `_` between them: a reader must take it as well as a space.
        expect(report.interval).toMatch(
          /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+_\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+$/,
        );
      },
    );

    sandboxIt(`a report_failure fault ends the next job FAILED, without links ${SANDBOX_ONLY}`, async () => {
      ok(await controlClient(target).POST('/_mock/faults', { body: { type: 'report_failure' } }), 'inject fault');
      const report = await finishedReport(target);
      expect(report).toMatchObject({ status: 'FAILED', links: [] });
    });

    sandboxIt(
      `a report_part_status fault completes the next job with its last sub-report FAILED, without a link ${SANDBOX_ONLY}`,
      async () => {
        ok(
          await controlClient(target).POST('/_mock/faults', { body: { type: 'report_part_status', status: 'FAILED' } }),
          'inject fault',
        );
        const report = await finishedReport(target);
        expect(report.status).toBe('COMPLETED');
        const last = report.links.at(-1);
        expect(last?.status).toBe('FAILED');
        expect(last?.link).toBeUndefined();
      },
    );

    sandboxIt(`404: another account's job ${SANDBOX_ONLY}`, async () => {
      const other = ok(await controlClient(target).POST('/_mock/accounts', { body: {} }), 'create account');
      const theirs = ok(
        await freshchatClient(target, other.token).POST('/reports/raw', { body: await reportWindow(target, 2) }),
        'their report',
      );
      await expectError(await send(target, { method: 'GET', path: `/reports/raw/${theirs.id}` }), 404);
    });
  });
}
