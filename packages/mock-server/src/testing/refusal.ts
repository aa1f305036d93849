import { SandboxError } from '../domain/sandbox-error.js';

/** Runs `run`, which must throw a SandboxError, and answers the Freshchat error body it carries. */
export function refusal(run: () => unknown): { code: number; status: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof SandboxError) return error.toBody();
    throw error;
  }
  throw new Error('expected a SandboxError');
}
