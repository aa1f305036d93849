/**
 * Requests derived from the two OpenAPI documents, for the robustness suites: every operation of the route table
 * with its path parameters, query parameters and body schema (references resolved across both documents), and
 * fast-check arbitraries that build valid-ish and broken inputs from those schemas.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import {
  freshchatDocument,
  mockControlDocument,
  type OperationRoute,
  operationRoutes,
} from '../../generated/documents.js';

// A CommonJS module whose `module.exports` is the function itself; NodeNext types the default import as the module.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

type Schema = Record<string, unknown>;
type DocumentName = OperationRoute['document'];
const DOCUMENTS: Record<DocumentName, Readonly<Record<string, unknown>>> = {
  freshchat: freshchatDocument,
  control: mockControlDocument,
};
const FILES: Record<string, DocumentName> = { 'freshchat.yaml': 'freshchat', 'mock-control.yaml': 'control' };

/** A schema and the document its `$ref`s are relative to. */
export type Located = { schema: Schema; document: DocumentName };

/** One parameter of an operation. */
type SpecParameter = { name: string; in: 'path' | 'query'; required: boolean; schema: Located };

/** An operation as the robustness suites see it: the route, and its inputs as the documents describe them. */
export type SpecOperation = OperationRoute & {
  pathParams: SpecParameter[];
  queryParams: SpecParameter[];
  /** The request body's schema; `body` (from the route table) says whether a body is none, optional or required. */
  bodySchema: Located | undefined;
};

function pointer(document: DocumentName, path: string): Schema {
  let node: unknown = DOCUMENTS[document];
  for (const raw of path.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = (node as Record<string, unknown> | undefined)?.[key];
  }
  if (node === undefined) throw new Error(`no ${path} in ${document}`);
  return node as Schema;
}

/** Follows `$ref` (in the same document or `./other.yaml#/…`) until the schema itself. */
function resolve(located: Located): Located {
  let { schema, document } = located;
  for (let hops = 0; typeof schema.$ref === 'string'; hops++) {
    if (hops > 20) throw new Error('$ref loop');
    const [file, path = ''] = (schema.$ref as string).split('#');
    if (file) document = FILES[file.replace(/^\.\//, '')] as DocumentName;
    schema = pointer(document, path);
  }
  return { schema, document };
}

/** Every operation of both documents, derived from `operationRoutes` and the parsed documents. */
export const specOperations: SpecOperation[] = operationRoutes.map((route) => {
  const key = route.document === 'freshchat' ? route.path.replace(/^\/v2/, '') : route.path;
  const item = (DOCUMENTS[route.document].paths as Record<string, Schema>)[key];
  if (!item) throw new Error(`no path ${key} in ${route.document}`);
  const operation = item[route.method.toLowerCase()] as Schema;
  const params = [...((item.parameters as Schema[]) ?? []), ...((operation.parameters as Schema[]) ?? [])].map((p) =>
    resolve({ schema: p, document: route.document }),
  );
  const toParameter = ({ schema, document }: Located): SpecParameter => ({
    name: schema.name as string,
    in: schema.in as 'path' | 'query',
    required: schema.required === true,
    schema: { schema: schema.schema as Schema, document },
  });
  const content = (operation.requestBody as Schema | undefined)?.content as Record<string, Schema> | undefined;
  const bodySchema = content?.['application/json']?.schema as Schema | undefined;
  return {
    ...route,
    pathParams: params.filter((p) => p.schema.in === 'path').map(toParameter),
    queryParams: params.filter((p) => p.schema.in === 'query').map(toParameter),
    bodySchema: bodySchema ? { schema: bodySchema, document: route.document } : undefined,
  };
});

/** Checks a value against the `Error` schema of the Freshchat document (JSON Schema 2020-12 with formats). */
export const errorBodyValidator: ValidateFunction = (() => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...freshchatDocument, $id: 'https://robustness.invalid/freshchat.yaml' });
  return ajv.compile({ $ref: 'https://robustness.invalid/freshchat.yaml#/components/schemas/Error' });
})();

/** What the generators need to know about the sandbox under test. */
export type GeneratorContext = {
  /** Ids that exist (so some requests reach real resources). */
  knownIds: readonly string[];
  /** The sandbox's clock time, epoch ms, around which dates are made. */
  now: number;
};

const MONTH = 31 * 24 * 3600 * 1000;

/** Date-times that are well-formed on the surface but odd: leap seconds, offsets, impossible days, far years. */
const ODD_DATES = [
  '2016-12-31T23:59:60Z',
  '2016-12-31T23:59:60.999Z',
  '2020-02-30T00:00:00Z',
  '2021-02-29T12:00:00Z',
  '2020-01-01T24:00:00Z',
  '2020-01-01T00:00:00+05:00',
  '2020-01-01T00:00:00-00:00',
  '2020-01-01t00:00:00z',
  '2020-01-01 00:00:00Z',
  '2020-01-01',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '1969-12-31T23:59:59.999Z',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00.000Z',
  '2020-01-01T00:00:00.1234567890123Z',
  'not a date',
  '',
] as const;

/** Ids that are not what the spec asks for, or that play with paths. */
export const ODD_IDS = [
  'abc',
  '00000000-0000-0000-0000-000000000000',
  'AFD5102C-5443-4FE3-A069-4FE25189A0A1',
  '{afd5102c-5443-4fe3-a069-4fe25189a0a1}',
  'urn:uuid:afd5102c-5443-4fe3-a069-4fe25189a0a1',
  'afd5102c5443-4fe3-a069-4fe25189a0a1',
  ' afd5102c-5443-4fe3-a069-4fe25189a0a1',
  'afd5102c-5443-4fe3-a069-4fe25189a0a1\u0000',
  '../agents/status',
  'ünïcødé',
  '🙂',
] as const;

/** Strings large enough to pass a body limit: over 64 KiB, and over 1 MiB. */
export const HUGE_64K = 'x'.repeat(65 * 1024);
export const HUGE_1M = 'y'.repeat(1024 * 1024 + 10);

/** A nested array `depth` levels deep, as a value. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { n: value };
  return value;
}

/** Values of the wrong type, out of range, or otherwise hostile, to put in place of a valid one. */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    -0,
    1.5,
    1e308,
    -1e308,
    2 ** 53 + 1,
    '',
    ' ',
    '\u0000',
    '0',
    'null',
    [],
    {},
    [[[]]],
    { __proto__: null, constructor: 'x' },
    JSON.parse('{"__proto__":{"polluted":true}}'),
  ),
  fc.constantFrom<unknown>(...ODD_DATES, ...ODD_IDS),
  fc.constantFrom<unknown>(HUGE_64K, HUGE_1M),
  fc.constantFrom<unknown>(nested(33), nested(40), nested(200)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

/**
 * A valid-ish value for a schema: of the right shape, with some values (ids, dates, numbers at the edges) that may
 * still be refused by the sandbox's rules beyond the schema.
 */
export function validish(located: Located, ctx: GeneratorContext, depth = 0): fc.Arbitrary<unknown> {
  const { schema, document } = resolve(located);
  const sub = (s: unknown) => validish({ schema: s as Schema, document }, ctx, depth + 1);
  if (depth > 8) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const alternatives = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map(sub));
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string | undefined];
  return fc.oneof(...types.map((type) => ofType(type, schema, ctx, sub)));
}

function ofType(
  type: string | undefined,
  schema: Schema,
  ctx: GeneratorContext,
  sub: (s: unknown) => fc.Arbitrary<unknown>,
): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      const min = (schema.minimum as number | undefined) ?? -1000;
      const max = (schema.maximum as number | undefined) ?? Math.max(min + 1000, 1000);
      return fc.oneof(fc.constantFrom(min, max), fc.integer({ min, max }));
    }
    case 'number': {
      const exclusive = schema.exclusiveMinimum as number | undefined;
      const min = exclusive ?? (schema.minimum as number | undefined) ?? -1e6;
      const max = (schema.maximum as number | undefined) ?? 1e6;
      return fc.double({ min, max, noNaN: true, minExcluded: exclusive !== undefined });
    }
    case 'string':
      return stringFor(schema, ctx);
    case 'array': {
      const maxItems = Math.min((schema.maxItems as number | undefined) ?? 3, 3);
      const minItems = Math.min((schema.minItems as number | undefined) ?? 0, maxItems);
      return fc.array(schema.items ? sub(schema.items) : fc.jsonValue({ maxDepth: 2 }), {
        minLength: minItems,
        maxLength: maxItems,
      });
    }
    default: {
      const properties = (schema.properties ?? {}) as Record<string, unknown>;
      const keys = Object.keys(properties);
      if (keys.length === 0) {
        return fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
      }
      const model = Object.fromEntries(keys.map((key) => [key, sub(properties[key])]));
      const required = ((schema.required as string[] | undefined) ?? []).filter((k) => keys.includes(k));
      return fc.record(model, { requiredKeys: required });
    }
  }
}

function stringFor(schema: Schema, ctx: GeneratorContext): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'uuid':
      return fc.oneof(fc.constantFrom(...ctx.knownIds), fc.uuid());
    case 'date-time':
      return fc
        .oneof(
          { weight: 4, arbitrary: fc.integer({ min: ctx.now - 17 * MONTH, max: ctx.now + MONTH }) },
          { weight: 1, arbitrary: fc.constant(ctx.now) },
        )
        .map((ms) => new Date(ms).toISOString());
    case 'email':
      return fc.emailAddress();
    case 'uri':
      return fc.constantFrom('http://127.0.0.1:9/hook', 'https://receiver.invalid/freshchat', 'ftp://127.0.0.1/x');
    default:
      break;
  }
  if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern as string));
  const minLength = (schema.minLength as number | undefined) ?? 0;
  const maxLength = Math.min((schema.maxLength as number | undefined) ?? 24, 24);
  return fc.string({ minLength: Math.min(minLength, maxLength), maxLength });
}

type PathKey = (string | number)[];

function pathsOf(value: unknown, prefix: PathKey = []): PathKey[] {
  const out: PathKey[] = [prefix];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...pathsOf(v, [...prefix, i]));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  }
  return out;
}

const REMOVE = Symbol('remove');

function replaced(value: unknown, path: PathKey, replacement: unknown): unknown {
  if (path.length === 0) return replacement === REMOVE ? undefined : replacement;
  const [head, ...rest] = path as [string | number, ...PathKey];
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  const next = replaced(copy[head], rest, replacement);
  if (next === undefined && rest.length === 0 && replacement === REMOVE) {
    if (Array.isArray(copy)) (copy as unknown[]).splice(head as number, 1);
    else delete copy[head];
  } else copy[head] = next;
  return copy;
}

/**
 * A valid-ish value broken in one place: a field removed, replaced by a value of the wrong type or range, or an
 * unknown field added.
 */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return valid.chain((value) => {
    const paths = pathsOf(value);
    return fc
      .record({
        path: fc.constantFrom(...paths),
        kind: fc.constantFrom('remove', 'replace', 'replace', 'extra'),
        nasty: nastyValue,
        extraKey: fc.constantFrom('unknown_field', '__proto__', 'constructor', ''),
      })
      .map(({ path, kind, nasty, extraKey }) => {
        if (kind === 'remove' && path.length > 0) return replaced(value, path, REMOVE);
        if (kind === 'extra' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
          return { ...(value as object), [extraKey]: nasty };
        }
        return replaced(value, path, nasty);
      });
  });
}
