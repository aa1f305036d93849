/**
 * A contract suite for Freshchat's agent-status API (openapi/freshchat.yaml) that runs against the sandbox or a real
 * account, and the tools of this package's CI run: Prism in proxy mode, document-checked fetches, coverage.
 *
 * @example
 * // my-contract.test.ts, in another team's repository
 * import { contractTargetFromEnv, registerContractSuite } from '@freshchat-sandbox/contract-tests';
 * import { afterAll } from 'vitest';
 *
 * const { target, stop } = await contractTargetFromEnv();
 * registerContractSuite(target);
 * afterAll(stop);
 *
 * @module
 */

export {
  ContractViolationError,
  documentCheckedFetch,
  PRISM_VIOLATIONS_HEADER,
  type PrismViolation,
  parseViolations,
  prismCheckedFetch,
  responseViolations,
} from './checked-fetch.js';
export { type DocumentExample, documentExamples } from './document-examples.js';
export {
  type DocumentName,
  type DocumentOperation,
  documentOperations,
  documentPath,
  loadDocument,
} from './documents.js';
export type { BreakingOperationChanges, BreakingWebhookChanges, Exhaustive } from './drift-types.js';
export { contractTargetFromEnv, type EnvTarget } from './env-target.js';
export { type RunningPrism, type StartPrismOptions, startPrism } from './prism.js';
export { type CoverageRow, coverageGaps, formatCoverage, type LedgerEntry, ResponseLedger } from './response-ledger.js';
export { schemaProblems } from './schema-validation.js';
export { agentStatusUpdateChecks } from './suite/agent-status-update.js';
export { agentStatusChecks } from './suite/agent-statuses.js';
export { agentChecks } from './suite/agents.js';
export { authChecks } from './suite/auth.js';
export { controlApiChecks } from './suite/control-api.js';
export { faultChecks } from './suite/faults.js';
export { registerContractSuite } from './suite/index.js';
export { reportChecks } from './suite/reports.js';
export { requestBodyChecks } from './suite/request-bodies.js';
export { type ContractTarget, describeTarget, isSandbox, type SandboxControl } from './target.js';
