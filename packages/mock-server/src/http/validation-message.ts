import { fieldPath } from '@freshchat-sandbox/openapi/field-path';
import type { ValidationError } from '../generated/validators.js';

/** Where an input came from; body fields are named bare (`agent_status.id`), as Freshchat's messages do. */
export type InputLocation = 'path' | 'query' | 'body';

/**
 * Turns validation errors into one message that names the field, as Freshchat's error bodies do:
 * `agent_status.id: must match format "uuid"`, `start: is required`, `format: must be one of csv`. The deepest error
 * is the most specific one; where only alternatives' required fields failed, the message lists them.
 */
export function describeValidationError(
  errors: readonly ValidationError[] | null | undefined,
  location: InputLocation,
): string {
  const list = errors ?? [];
  const depth = (e: ValidationError) => e.instancePath.split('/').length;
  const deepest = Math.max(...list.map(depth));
  const deepestErrors = list.filter((e) => depth(e) === deepest && e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  // Beside another error, a failed `const` only says that an alternative (a fault of another `type`) does not apply.
  const specific = deepestErrors.filter((e) => e.keyword !== 'const' && e.keyword !== 'required');
  const candidates = specific.length > 0 ? deepestErrors.filter((e) => e.keyword !== 'const') : deepestErrors;
  const error = candidates.find((e) => e.keyword !== 'required') ?? candidates[0];
  if (!error) return `${location}: is invalid`;
  const path = fieldPath(error.instancePath);
  const join = (name: string) => fieldPath(error.instancePath, name);
  // Alternatives that all lack the same property report it once each: name it once.
  const required = [
    ...new Set(candidates.filter((e) => e.keyword === 'required').map((e) => String(e.params.missingProperty))),
  ];
  switch (error.keyword) {
    case 'required':
      return required.length > 1
        ? `${required.map(join).join(' or ')}: one is required`
        : `${join(required[0] as string)}: is required`;
    case 'additionalProperties':
      return `${join(String(error.params.additionalProperty))}: is not allowed`;
    case 'enum':
      return `${path || location}: must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
    case 'const': {
      // Alternatives told apart by a constant (`type` of a fault) each report theirs: list them all.
      const allowed = candidates
        .filter((e) => e.keyword === 'const' && e.instancePath === error.instancePath)
        .map((e) => String(e.params.allowedValue));
      return `${path || location}: must be ${allowed.length > 1 ? `one of ${allowed.join(', ')}` : JSON.stringify(error.params.allowedValue)}`;
    }
    case 'discriminator': {
      const tag = join(String(error.params.tag));
      if (error.params.tagValue === undefined) return `${tag}: is required`;
      if (error.params.error === 'tag') return `${tag}: must be a string`;
      return `${tag}: ${JSON.stringify(error.params.tagValue)} is not one of the allowed values`;
    }
    case 'pattern': {
      // A property may say in words which form its pattern asks for (the report times' `x-expected-form`).
      const form = error.parentSchema?.['x-expected-form'];
      if (typeof form === 'string') return `${path || location}: must have the form ${form}`;
      return `${path || location}: ${error.message ?? 'is invalid'}`;
    }
    case 'minProperties':
      return `${path || location}: must not be empty`;
    default:
      return `${path || location}: ${error.message ?? 'is invalid'}`;
  }
}
