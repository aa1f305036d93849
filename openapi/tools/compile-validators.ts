/**
 * Build-time compiler from the OpenAPI documents to standalone AJV validators.
 *
 * Request validation in the mock server and payload validation in the webhook package are derived from the
 * documents here, never written by hand. The output is plain ESM code (AJV "standalone" mode): no schema
 * compilation at start-up and no `new Function`, so it loads fast and runs on edge runtimes too.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv2020, type AnySchema } from 'ajv/dist/2020.js';
import standaloneModule from 'ajv/dist/standalone/index.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

// Both are CommonJS modules whose `module.exports` is the function itself; NodeNext types the default import as
// the whole module, so the callable is taken from its `default` member's type.
const standaloneCode = standaloneModule as unknown as typeof standaloneModule.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * The folder holding the OpenAPI documents: this package's own root, found by name (a self-reference), since this
 * module runs from `tools/` in the workspace and from `dist/tools/` once published.
 */
export const openapiDir = dirname(createRequire(import.meta.url).resolve('@freshchat-sandbox/openapi/freshchat.yaml'));

/** One OpenAPI document as loaded from its YAML file. */
export type OpenApiDocument = {
  paths?: Record<string, Record<string, unknown>>;
  webhooks?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown>; parameters?: Record<string, unknown> };
};

/** Loads one of the documents beside this folder, such as `freshchat.yaml`. */
export function loadDocument(file: string): OpenApiDocument {
  return parse(readFileSync(join(openapiDir, file), 'utf8')) as OpenApiDocument;
}

type Parameter = { name: string; in: string; required?: boolean; schema?: unknown };
type Operation = {
  operationId?: string;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
};

// Schema ids need a hierarchical base so that `./freshchat.yaml#/…` refs in mock-control.yaml resolve.
const BASE = 'https://sandbox.invalid/';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/** What to compile: the documents to walk, and named schemas to export besides the operations' inputs. */
export type ValidatorPlan = {
  /** Document files (names relative to the openapi folder). Their paths and webhooks are walked. */
  documents: string[];
  /** Walk `paths` (request inputs of every operation). */
  operations?: boolean;
  /** Walk `webhooks` (the request body of every webhook). */
  webhooks?: boolean;
  /** Extra exports: export name → `file#/json/pointer` of a schema, such as `mock-control.yaml#/components/schemas/SeedFile`. */
  schemas?: Record<string, string>;
};

/**
 * Compiles the plan into ESM source: one exported validator per input, and an `operationValidators` map
 * (operationId → `{ path?, query?, body? }` validators) when operations are walked,
 * and a `webhookValidators` map (webhook name → validator name) when webhooks are walked.
 *
 * @example
 * const source = compileValidators({ documents: ['freshchat.yaml'], webhooks: true });
 * writeFileSync('src/generated/validators.ts', source);
 */
export function compileValidators(plan: ValidatorPlan): string {
  // Query strings arrive as text: their validators coerce; bodies must already carry the right JSON types.
  const strict = createAjv(false);
  const coercing = createAjv(true);
  const exportsStrict: Record<string, string> = {};
  const exportsCoercing: Record<string, string> = {};
  const operations: Record<string, { path?: string; query?: string; body?: string }> = {};
  const webhooks: Record<string, string> = {};

  for (const file of plan.documents) {
    const doc = loadDocument(file);
    const ref = (pointer: string) => ({ $ref: `${BASE}${file}#${pointer}` });
    const resolveParameter = (p: Parameter | { $ref: string }): Parameter => {
      if (!('$ref' in p)) return p;
      const name = p.$ref.replace('#/components/parameters/', '');
      const found = doc.components?.parameters?.[name] as Parameter | undefined;
      if (!found) throw new Error(`${file}: unresolved parameter ${p.$ref}`);
      return found;
    };
    if (plan.operations) {
      for (const [path, item] of Object.entries(doc.paths ?? {})) {
        const shared = (item.parameters as Operation['parameters']) ?? [];
        for (const method of METHODS) {
          const op = item[method] as Operation | undefined;
          if (!op?.operationId) continue;
          const id = op.operationId;
          const entry: { path?: string; query?: string; body?: string } = {};
          const params = [...shared, ...(op.parameters ?? [])].map(resolveParameter);
          for (const location of ['path', 'query'] as const) {
            const own = params.filter((p) => p.in === location);
            if (own.length === 0) continue;
            const name = `${id}_${location}`;
            const schema = {
              $id: `${BASE}inputs/${name}`,
              type: 'object',
              properties: Object.fromEntries(own.map((p) => [p.name, rebase(p.schema, file)])),
              required: own.filter((p) => p.required).map((p) => p.name),
            };
            const target = location === 'query' ? coercing : strict;
            target.addSchema(schema as AnySchema);
            (location === 'query' ? exportsCoercing : exportsStrict)[name] = schema.$id;
            entry[location] = name;
          }
          const body = op.requestBody?.content?.['application/json']?.schema;
          if (body) {
            const name = `${id}_body`;
            const pointer = `/paths/${escapePointer(path)}/${method}/requestBody/content/application~1json/schema`;
            exportsStrict[name] = ref(pointer).$ref;
            entry.body = name;
          }
          if (Object.keys(entry).length > 0) operations[id] = entry;
        }
      }
    }
    if (plan.webhooks) {
      for (const [hook, item] of Object.entries(doc.webhooks ?? {})) {
        const op = item.post as Operation | undefined;
        if (!op?.requestBody?.content?.['application/json']?.schema) continue;
        const name = `webhook_${hook}`;
        exportsStrict[name] = ref(
          `/webhooks/${escapePointer(hook)}/post/requestBody/content/application~1json/schema`,
        ).$ref;
        webhooks[hook] = name;
      }
    }
  }
  for (const [name, pointer] of Object.entries(plan.schemas ?? {})) exportsStrict[name] = `${BASE}${pointer}`;

  const map = (entries: Record<string, string>) =>
    `{${Object.entries(entries)
      .map(([k, v]) => `${JSON.stringify(k)}: ${v}`)
      .join(', ')}}`;
  const parts = [
    '// @ts-nocheck -- generated by openapi/tools/compile-validators.ts from the OpenAPI documents. Do not edit.',
    '/** One validation failure, as AJV reports it: `instancePath` is a JSON pointer to the offending value. */',
    'export type ValidationError = { instancePath: string; schemaPath: string; keyword: string; params: Record<string, unknown>; message?: string; parentSchema?: Record<string, unknown> };',
    '/** A compiled validator: returns whether `data` is valid; on `false`, `errors` says why. Query validators coerce `data` in place. */',
    'export type Validator = ((data: unknown) => boolean) & { errors?: ValidationError[] | null };',
    "/** The validators of one operation's inputs. */",
    'export type OperationValidators = { path?: Validator; query?: Validator; body?: Validator };',
    section(strict, exportsStrict, 'strict'),
    section(coercing, exportsCoercing, 'coercing'),
    '/** operationId → validators of its path parameters, query parameters and JSON body. */',
    `export const operationValidators: Record<string, OperationValidators> = {${Object.entries(operations)
      .map(([id, entry]) => `${JSON.stringify(id)}: ${map(entry)}`)
      .join(',\n')}};`,
    '/** webhook name → validator of its JSON body. */',
    `export const webhookValidators: Record<string, Validator> = ${map(webhooks)};`,
    '',
  ];
  return parts.join('\n');
}

function createAjv(coerceTypes: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: false,
    // Errors carry the schema they failed, so a message can show a property's `x-expected-form`.
    verbose: true,
    coerceTypes,
    strict: false, // the documents carry OpenAPI keywords (discriminator, examples) beside JSON Schema ones
    discriminator: true,
    code: { source: true, esm: true },
  });
  addFormats(ajv);
  for (const file of ['freshchat.yaml', 'mock-control.yaml']) {
    // Registered under its file name, so `#/…` refs inside it and `./freshchat.yaml#/…` refs across files resolve.
    ajv.addSchema({ ...withoutDiscriminatorMappings(loadDocument(file)), $id: `${BASE}${file}` } as AnySchema);
  }
  return ajv;
}

/**
 * AJV names its module-level bindings `validate12`, `pattern3`…: they are prefixed so two sections can share a file.
 * Its "esm" output still `require`s runtime helpers; those become imports. A namespace import works both under
 * Node (where `default` is the CommonJS `module.exports`) and under bundlers (where the namespace is the exports).
 */
function section(ajv: Ajv2020, exports: Record<string, string>, prefix: string): string {
  if (Object.keys(exports).length === 0) return '';
  const imports = new Map<string, string>();
  const code = standaloneCode(ajv, exports)
    .replace('"use strict";', '')
    .replace(/export const (\w+) = /g, 'export const $1: Validator = ')
    .replace(/\b(formats\d+|func\d+|schema\d+|validate\d+|pattern\d+)\b/g, `${prefix}_$1`)
    .replace(/require\("([^"]+)"\)/g, (_match: string, mod: string) => {
      const known = imports.get(mod);
      if (known) return known;
      const name = `${prefix}_runtime${imports.size}`;
      imports.set(mod, name);
      return name;
    });
  const header = [...imports].map(
    ([mod, name]) =>
      `import * as ${name}_ns from ${JSON.stringify(`${mod}.js`)};\n` +
      `const ${name} = ${name}_ns.default && ${name}_ns.default.__esModule ? ${name}_ns.default : ${name}_ns;`,
  );
  return [...header, code].join('\n');
}

/**
 * AJV's `discriminator` checks only the alternative the tag names (so errors speak of that alternative), but it
 * refuses `mapping`. The documents keep their mappings for OpenAPI tools; each alternative's `const` on the tag
 * carries the same information for AJV.
 */
function withoutDiscriminatorMappings<T>(node: T): T {
  if (Array.isArray(node)) return node.map(withoutDiscriminatorMappings) as T;
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'discriminator' && value && typeof value === 'object') {
      const { mapping: _mapping, ...rest } = value as Record<string, unknown>;
      out[key] = rest;
    } else {
      out[key] = withoutDiscriminatorMappings(value);
    }
  }
  return out as T;
}

/** Parameter schemas are copied out of their document: their local refs must still point into it. */
function rebase(schema: unknown, file: string): unknown {
  if (Array.isArray(schema)) return schema.map((s) => rebase(s, file));
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(
      Object.entries(schema).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${BASE}${file}${v}` : rebase(v, file),
      ]),
    );
  }
  return schema;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
