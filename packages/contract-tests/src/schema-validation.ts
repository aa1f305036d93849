import { fieldPath } from '@freshchat-sandbox/openapi/field-path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { type DocumentName, loadDocument } from './documents.js';

// A CommonJS module whose `module.exports` is the function itself; NodeNext types the default import as the module.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

// Documents are registered under a hierarchical base so `./freshchat.yaml#/…` refs in mock-control.yaml resolve.
const BASE = 'https://contract-tests.invalid/openapi/';

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

/** AJV (JSON Schema 2020-12, with formats) holding both documents, each under its file name. */
function sharedAjv(): Ajv2020 {
  if (!ajv) {
    // strict: false because the documents carry OpenAPI keywords (paths, components, examples…) around the schemas.
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const name of ['freshchat.yaml', 'mock-control.yaml'] as const) {
      ajv.addSchema({ ...loadDocument(name), $id: `${BASE}${name}` });
    }
  }
  return ajv;
}

/** The validator of the schema at `pointer` (a JSON pointer such as `/components/schemas/Agent`) in a document. */
function schemaValidator(document: DocumentName, pointer: string): ValidateFunction {
  const ref = `${BASE}${document}#${pointer}`;
  let validate = compiled.get(ref);
  if (!validate) {
    validate = sharedAjv().compile({ $ref: ref });
    compiled.set(ref, validate);
  }
  return validate;
}

/** AJV's errors as one line each, naming the field as the sandbox's messages do: `states[1].id must match format "uuid"`. */
function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${fieldPath(e.instancePath) || '(root)'} ${e.message ?? e.keyword}`);
}

/** Validates `value` against the schema at `pointer`; returns the problems found (none when valid). */
export function schemaProblems(document: DocumentName, pointer: string, value: unknown): string[] {
  const validate = schemaValidator(document, pointer);
  return validate(value) ? [] : describeErrors(validate.errors);
}
