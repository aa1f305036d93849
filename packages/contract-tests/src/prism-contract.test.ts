/**
 * The CI run: the whole contract suite against the sandbox, every Freshchat answer through Prism (proxy mode, with
 * `--errors`) validated against freshchat.yaml, every control and storage answer validated against mock-control.yaml
 * with AJV. Then every operation × declared status of both documents must have been produced at least once, and no
 * undeclared status may have been; the table of answers is printed.
 */
import { describe, expect, inject, it } from 'vitest';
import { documentCheckedFetch, prismCheckedFetch } from './checked-fetch.js';
import { sendOnFullDisk } from './full-disk.js';
import { coverageGaps, formatCoverage, ResponseLedger } from './response-ledger.js';
import { registerContractSuite } from './suite/index.js';

const sandboxUrl = inject('contractSandboxUrl');
const prismUrl = inject('contractPrismUrl');
const ledger = new ResponseLedger();

describe('Prism stands between the suite and the sandbox', () => {
  it('a path outside freshchat.yaml gets Prism’s own answer, not the sandbox’s', async () => {
    const response = await fetch(`${prismUrl}/v2/agents/status`, {
      headers: { Authorization: 'Bearer sandbox-token' },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ type: 'https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR' });
  });
});

registerContractSuite({
  baseUrl: prismUrl,
  token: 'sandbox-token',
  sandbox: true,
  fetch: prismCheckedFetch({ prismUrl, ledger }),
  control: {
    origin: sandboxUrl,
    fetch: documentCheckedFetch({ document: 'mock-control.yaml', baseUrl: sandboxUrl, ledger }),
  },
});

describe('a data folder that stops taking writes', () => {
  it('every control operation that changes state answers 503 STORAGE_UNAVAILABLE, checked against mock-control.yaml', async () => {
    const sent = await sendOnFullDisk(ledger);
    expect(sent.filter((s) => s.status !== 503)).toEqual([]);
    expect(sent).toHaveLength(18);
  });
});

describe('coverage of the documents', () => {
  for (const document of ['freshchat.yaml', 'mock-control.yaml'] as const) {
    const checkedBy = document === 'freshchat.yaml' ? 'Prism' : 'AJV';
    it(`every operation × declared status of ${document} was produced (checked by ${checkedBy}), and nothing undeclared`, () => {
      const rows = ledger.coverage(document);
      console.log(formatCoverage(`${document} (answers checked by ${checkedBy}): operation, status, hits`, rows));
      expect(coverageGaps(rows)).toEqual([]);
      expect(ledger.violations(document)).toEqual([]);
    });
  }
});
