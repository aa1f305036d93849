import { type DocumentName, documentOperations } from './documents.js';

/** One answered request, as the checked fetches record it. */
export type LedgerEntry = {
  document: DocumentName;
  /** The operation the request was for; undefined when no operation of the document matches it. */
  operationId: string | undefined;
  method: string;
  /** Path (and query) as sent. */
  path: string;
  status: number;
  /** Where the answer breaks the document; empty when it honours it. */
  problems: string[];
};

/** One row of the coverage table: an operation and a status, how often it was answered, and whether it is declared. */
export type CoverageRow = { operationId: string; status: string; hits: number; declared: boolean };

/**
 * Every answer a contract run received, and what the documents say about them: which declared statuses were
 * produced, which produced statuses are not declared, and every violation.
 *
 * @example
 * const ledger = new ResponseLedger();
 * const fetch = prismCheckedFetch({ ledger, prismUrl });
 * // … run the suite …
 * console.log(formatCoverage(ledger.coverage('freshchat.yaml')));
 */
export class ResponseLedger {
  readonly entries: LedgerEntry[] = [];

  record(entry: LedgerEntry): void {
    this.entries.push(entry);
  }

  /** Answers that broke the document, or matched none of its operations. */
  violations(document?: DocumentName): LedgerEntry[] {
    return this.entries.filter(
      (e) => (document === undefined || e.document === document) && (e.problems.length > 0 || !e.operationId),
    );
  }

  /**
   * Every operation × declared status of the document with its hits, then every produced status the document does
   * not declare (a violation: Prism only warns about it).
   */
  coverage(document: DocumentName): CoverageRow[] {
    const hits = new Map<string, number>();
    for (const e of this.entries) {
      if (e.document !== document || !e.operationId) continue;
      const key = `${e.operationId} ${e.status}`;
      hits.set(key, (hits.get(key) ?? 0) + 1);
    }
    const rows: CoverageRow[] = [];
    const declared = new Set<string>();
    for (const op of documentOperations(document)) {
      for (const status of op.statuses) {
        const key = `${op.operationId} ${status}`;
        declared.add(key);
        rows.push({ operationId: op.operationId, status, hits: hits.get(key) ?? 0, declared: true });
      }
    }
    for (const [key, count] of hits) {
      if (declared.has(key)) continue;
      const [operationId = '', status = ''] = key.split(' ');
      rows.push({ operationId, status, hits: count, declared: false });
    }
    return rows;
  }
}

/** The coverage table as text: operationId, status, hits, and a flag on every row that fails the run. */
export function formatCoverage(title: string, rows: readonly CoverageRow[]): string {
  const width = Math.max('operationId'.length, ...rows.map((r) => r.operationId.length));
  const line = (a: string, b: string, c: string, d = '') =>
    `${a.padEnd(width)}  ${b.padEnd(6)}  ${c.padStart(4)}  ${d}`.trimEnd();
  const flag = (r: CoverageRow) => (!r.declared ? 'NOT DECLARED' : r.hits === 0 ? 'NEVER PRODUCED' : '');
  return [
    title,
    line('operationId', 'status', 'hits'),
    line('-'.repeat(width), '------', '----'),
    ...rows.map((r) => line(r.operationId, r.status, String(r.hits), flag(r))),
  ].join('\n');
}

/** The rows that fail a run: a declared status never produced, or a produced status never declared. */
export function coverageGaps(rows: readonly CoverageRow[]): string[] {
  return rows
    .filter((r) => !r.declared || r.hits === 0)
    .map(
      (r) =>
        `${r.operationId} ${r.status}: ${r.declared ? 'declared but never produced' : 'produced but not declared'}`,
    );
}
