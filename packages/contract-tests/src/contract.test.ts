/**
 * `pnpm test:contract`: the contract suite against the target the environment names (see `contractTargetFromEnv`),
 * every answer checked against the documents with AJV. Without `FRESHCHAT_BASE_URL` it starts a local sandbox.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { documentCheckedFetch } from './checked-fetch.js';
import { contractTargetFromEnv } from './env-target.js';
import { formatCoverage, ResponseLedger } from './response-ledger.js';
import { registerContractSuite } from './suite/index.js';

const { target, stop } = await contractTargetFromEnv();
const ledger = new ResponseLedger();
afterAll(stop);

registerContractSuite({
  ...target,
  fetch: documentCheckedFetch({ document: 'freshchat.yaml', baseUrl: target.baseUrl, ledger }),
  control: target.control && {
    origin: target.control.origin,
    fetch: documentCheckedFetch({ document: 'mock-control.yaml', baseUrl: target.control.origin, ledger }),
  },
});

describe('answers against the documents', () => {
  it('no answer violated the documents', () => {
    // Informational: a real account cannot produce every status (faults, limits), so gaps do not fail this run.
    for (const document of target.sandbox
      ? (['freshchat.yaml', 'mock-control.yaml'] as const)
      : (['freshchat.yaml'] as const)) {
      console.log(
        formatCoverage(`${document}: answers by operation and status (informational)`, ledger.coverage(document)),
      );
    }
    expect(ledger.violations()).toEqual([]);
  });
});
