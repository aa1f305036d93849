import type { components as ControlComponents } from '@freshchat-sandbox/openapi/types/mock-control';
import type { Account } from '../domain/accounts/account.js';
import { reportStatus } from '../domain/reports/report-job.js';
import type { Sandbox } from '../domain/sandbox.js';
import type { WebhookDispatcher } from '../domain/webhooks/webhook-dispatcher.js';
import { agentView } from './agent-view.js';
import { clockView, journalEntryView, subscriptionView } from './control-views.js';
import { reportJobView } from './report-view.js';

type InspectorSnapshot = ControlComponents['schemas']['InspectorSnapshot'];

/** Real milliseconds between two looks at an account's state, while a page follows it. */
const CHECK_EVERY_MS = 500;
const JOURNAL_SHOWN = 100;
const DELIVERIES_SHOWN = 200;

/**
 * The live feed behind `/_inspector`: a server-sent event stream per page (`GET /_mock/inspector/events`), sending
 * the account's snapshot at once and again whenever it changes. Each stream looks at a cheap fingerprint of the
 * state every half second rather than hooking every module that can change it: the page sees every change, and
 * the request path pays nothing when no page is open.
 *
 * @example
 * const feed = new InspectorFeed(sandbox, dispatcher);
 * const response = feed.open(account); // text/event-stream
 * feed.closeAll(); // on stop
 */
export class InspectorFeed {
  private readonly streams = new Set<() => void>();

  constructor(
    private readonly sandbox: Sandbox,
    private readonly webhooks: WebhookDispatcher,
  ) {}

  /** The account's state as one `snapshot` event carries it. */
  snapshot(account: Account): InspectorSnapshot {
    const { sandbox } = this;
    return {
      clock: clockView(sandbox.clock),
      agents: account.agents.all().map((agent) => agentView(account, agent)),
      requests: account.journal.entries(JOURNAL_SHOWN).map(journalEntryView),
      subscriptions: account.webhooks.all().map(subscriptionView),
      deliveries: this.webhooks.deliveries(account).slice(-DELIVERIES_SHOWN),
      reports: [...account.reports.values()].map((job) => reportJobView(sandbox, account, job, undefined)),
      faults: account.faults.all(),
    };
  }

  /** Opens a stream of the account's snapshots; it ends when the client leaves, the account is gone, or on `closeAll`. */
  open(account: Account): Response {
    const token = account.token;
    const encoder = new TextEncoder();
    let stop = () => {};
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        let last = '';
        const look = () => {
          // A reset makes new accounts: follow the token, not the object.
          const current = this.sandbox.authenticate(token);
          if (!current) return stop();
          const print = this.fingerprint(current);
          if (print === last) return;
          last = print;
          controller.enqueue(encoder.encode(`event: snapshot\ndata: ${JSON.stringify(this.snapshot(current))}\n\n`));
        };
        const timer = setInterval(look, CHECK_EVERY_MS);
        timer.unref?.();
        stop = () => {
          clearInterval(timer);
          this.streams.delete(stop);
          try {
            controller.close();
          } catch {
            // Already closed by the client.
          }
        };
        this.streams.add(stop);
        look();
      },
      cancel: () => stop(),
    });
    return new Response(body, {
      headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' },
    });
  }

  /** Ends every open stream (the server is stopping). */
  closeAll(): void {
    for (const stop of [...this.streams]) stop();
  }

  /** What changes whenever anything the page shows changes; a running clock's ticking does not. */
  private fingerprint(account: Account): string {
    const { clock } = this.sandbox;
    const now = clock.now();
    const lastRequest = account.journal.entries(1)[0]?.id ?? 0;
    // The ring keeps its length once full: what is kept plus what was dropped grows with every attempt.
    const log = this.webhooks.deliveryLog(account);
    const deliveries = log.deliveries.length + log.dropped;
    let reports = '';
    for (const job of account.reports.values()) reports += reportStatus(job, now)[0];
    const faults = account.faults
      .all()
      .map((f) => `${f.id}:${f.remaining}`)
      .join();
    const time = clock.frozen ? `f${now}` : `r${clock.offset}`;
    return `${lastRequest}|${deliveries}|${reports}|${faults}|${time}|${account.history.length}|${account.webhooks.size}`;
  }
}
