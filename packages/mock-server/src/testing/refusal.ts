import { DomainError, type DomainErrorKind } from '../domain/domain-error.js';

/** Runs `run`, which must throw a DomainError, and answers its kind, code and message. */
export function refusal(run: () => unknown): { kind: DomainErrorKind; code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return { kind: error.kind, code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a DomainError');
}
