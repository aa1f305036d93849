// The contract suite from the tarball, exactly as packages/contract-tests/README.md shows it: a sandbox of its own.
import { contractTargetFromEnv, registerContractSuite } from '@freshchat-sandbox/contract-tests';
import { afterAll } from 'vitest';

const { target, stop } = await contractTargetFromEnv();
registerContractSuite(target);
afterAll(stop);
