import { DomainError } from '../../domain/domain-error.js';
import type { Validator } from '../../generated/validators.js';
import { describeValidationError, type InputLocation } from '../validation-message.js';
import type { Call } from './call.js';

/**
 * Checks the path and query parameters with the validators generated from the spec, and keeps them on the call.
 * Only what the operation declares is parsed: most requests have no query string to read.
 */
export function validateParameters(call: Call): void {
  const { validators } = call.plan;
  const c = call.c;
  call.path = validators.path ? checked(validators.path, { ...c.req.param() }, 'path') : {};
  call.query = validators.query ? checked(validators.query, firstValues(c.req.queries()), 'query') : {};
}

/** Checks a body that was read with the operation's generated body validator. */
export function validateBody(call: Call, body: unknown): void {
  checked(call.plan.validators.body, body, 'body');
}

/** `value`, if `validator` accepts it; `invalid`, naming the offending field, otherwise. */
function checked<T>(validator: Validator | undefined, value: T, location: InputLocation): T {
  if (validator && !validator(value)) {
    throw new DomainError('invalid', 'INVALID_VALUE', describeValidationError(validator.errors, location));
  }
  return value;
}

/** Query values arrive as lists; the spec's query parameters are all single-valued. */
function firstValues(queries: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, values] of Object.entries(queries)) if (values[0] !== undefined) out[key] = values[0];
  return out;
}
