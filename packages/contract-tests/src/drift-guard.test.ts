/**
 * The drift guard cannot pass vacuously: copies of `drift.test-d.ts` are type-checked (TypeScript compiler API)
 * against types generated from deliberately broken copies of freshchat.yaml, and must fail there naming what broke;
 * a compatible change must still pass. And the types compared (src/generated/baseline.ts, and the current document's
 * from `@freshchat-sandbox/openapi`) must be what `pnpm generate` makes of the documents.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { atPointer, documentPath, type OpenApiDocument } from './documents.js';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const SPEC = documentPath('freshchat.yaml');
const BASELINE = join(PACKAGE, '..', '..', 'openapi', 'baseline', 'freshchat.yaml');
/** Inside the package, so the copies resolve `vitest` as the real file does. */
const WORK = join(PACKAGE, 'node_modules', '.cache', 'drift-guard');

/** The current document's types, generated once by `@freshchat-sandbox/openapi` for every package. */
const CURRENT_TYPES = '@freshchat-sandbox/openapi/types/freshchat';

/** What `openapi-typescript <spec> -o <file> --default-non-nullable false` writes (both `generate` scripts). */
async function generate(spec: URL | OpenApiDocument): Promise<string> {
  return `${COMMENT_HEADER}${astToString(await openapiTS(spec as never, { silent: true, defaultNonNullable: false }))}`;
}

type Schema = { properties: Record<string, unknown>; required: string[]; enum: string[] };
type Parameter = { name: string; in: string; required?: boolean; schema: { type?: string; enum?: string[] } };
type Variant = { name: string; change: (doc: OpenApiDocument) => void; breaks: string[] };

/** The node at a JSON pointer of the (copied) document; throws when the spec no longer has it. */
function node<T>(doc: OpenApiDocument, pointer: string): T {
  const found = atPointer(doc, pointer);
  if (found === undefined) throw new Error(`freshchat.yaml has no ${pointer}: update this variant`);
  return found as T;
}
const schema = (doc: OpenApiDocument, name: string) => node<Schema>(doc, `/components/schemas/${name}`);
const listAgentsParameters = (doc: OpenApiDocument) => node<Parameter[]>(doc, '/paths/~1agents/get/parameters');
const sortBy = (doc: OpenApiDocument) => {
  const values = listAgentsParameters(doc).find((p) => p.name === 'sort_by')?.schema.enum;
  if (!values) throw new Error('freshchat.yaml: listAgents has no sort_by enum: update this variant');
  return values;
};
const without = (list: string[], item: string) => list.splice(list.indexOf(item), 1);

/** Changes that break consumers, each with every failure the guard must name; and one compatible change. */
const VARIANTS: Variant[] = [
  {
    name: 'a removed answer field',
    change: (doc) => {
      delete schema(doc, 'RawReport').properties.interval;
      without(schema(doc, 'RawReport').required, 'interval');
    },
    breaks: ['getRawReport 200 answer'],
  },
  {
    name: 'a removed optional answer field',
    change: (doc) => {
      delete schema(doc, 'Agent').properties.avatar;
    },
    breaks: ['getAgent 200 answer', 'listAgents 200 answer'],
  },
  {
    name: 'an answer field made optional',
    change: (doc) => without(schema(doc, 'AgentStatusRef').required, 'name'),
    breaks: [
      'agent_availability webhook payload',
      'getAgent 200 answer',
      'listAgentStatuses 200 answer',
      'listAgents 200 answer',
      'updateAgentStatus 200 answer',
    ],
  },
  {
    name: 'a new value in an answer enum',
    change: (doc) => schema(doc, 'ReportStatus').enum.push('CANCELLED'),
    breaks: ['getRawReport 200 answer'],
  },
  {
    name: 'a new required body field',
    change: (doc) => {
      schema(doc, 'RawReportRequest').properties.timezone = { type: 'string' };
      schema(doc, 'RawReportRequest').required.push('timezone');
    },
    breaks: ['requestRawReport request'],
  },
  {
    name: 'a new required query parameter',
    change: (doc) =>
      listAgentsParameters(doc).push({ name: 'team', in: 'query', required: true, schema: { type: 'string' } }),
    breaks: ['listAgents request'],
  },
  {
    name: 'a narrowed input enum',
    change: (doc) => without(sortBy(doc), 'email'),
    breaks: ['listAgents request'],
  },
  {
    name: 'a removed operation',
    change: (doc) => {
      delete node<Record<string, unknown>>(doc, '/paths')['/reports/raw/{id}'];
    },
    breaks: ['getRawReport removed'],
  },
  {
    name: 'a compatible change (new optional field, optional parameter, wider input enum, new operation and status)',
    change: (doc) => {
      schema(doc, 'Agent').properties.nickname = { type: 'string' };
      listAgentsParameters(doc).push({ name: 'team', in: 'query', schema: { type: 'string' } });
      sortBy(doc).push('nickname');
      const getAgent = node<Record<string, unknown>>(doc, '/paths/~1agents~1{agent_id}/get');
      node<Record<string, unknown>>(doc, '/paths')['/agents/me'] = { get: { ...getAgent, operationId: 'getMe' } };
      const responses = node<Record<string, unknown>>(doc, '/paths/~1agents~1status/get/responses');
      responses['404'] = responses['401'];
    },
    breaks: [],
  },
];

describe('drift guard', () => {
  it('the generated types are what `pnpm generate` makes of the spec and the baseline', async () => {
    const stale = [
      [relative(PACKAGE, createRequire(import.meta.url).resolve(CURRENT_TYPES)), await generate(pathToFileURL(SPEC))],
      ['src/generated/baseline.ts', await generate(pathToFileURL(BASELINE))],
    ].filter(([file, text]) => readFileSync(join(PACKAGE, file as string), 'utf8') !== text);
    expect(stale.map(([file]) => `${file} is stale: run \`pnpm generate\``)).toEqual([]);
  });

  describe('type-checking drift.test-d.ts against a deliberately changed spec', () => {
    const failures = new Map<string, string[]>();
    /** Per variant, the members of the `Breaking` unions that drift.test-d.ts computes, read from the checker. */
    const computed = new Map<string, string[]>();

    beforeAll(async () => {
      rmSync(WORK, { recursive: true, force: true });
      const old = await generate(pathToFileURL(SPEC));
      const roots: string[] = [];
      for (const [i, variant] of VARIANTS.entries()) {
        const doc = parse(readFileSync(SPEC, 'utf8')) as OpenApiDocument;
        variant.change(doc);
        const src = join(WORK, `variant-${i}`, 'src');
        mkdirSync(join(src, 'generated'), { recursive: true });
        cpSync(join(PACKAGE, 'src', 'drift-types.ts'), join(src, 'drift-types.ts'));
        // The copy compares the baseline with this variant's types instead of the package's.
        const guard = readFileSync(join(PACKAGE, 'src', 'drift.test-d.ts'), 'utf8');
        if (!guard.includes(`'${CURRENT_TYPES}'`))
          throw new Error(`drift.test-d.ts no longer imports ${CURRENT_TYPES}`);
        writeFileSync(join(src, 'drift.test-d.ts'), guard.replace(`'${CURRENT_TYPES}'`, "'./generated/current.js'"));
        writeFileSync(join(src, 'generated', 'baseline.ts'), old);
        writeFileSync(join(src, 'generated', 'current.ts'), await generate(doc));
        roots.push(join(src, 'drift.test-d.ts'));
      }
      const config = ts.getParsedCommandLineOfConfigFile(
        join(PACKAGE, 'tsconfig.json'),
        {},
        {
          ...ts.sys,
          onUnRecoverableConfigFileDiagnostic: (d) => {
            throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
          },
        },
      );
      // The drift types need no DOM nor Node types: leaving them out halves the check's time.
      const options = { ...config?.options, noEmit: true, incremental: false, types: [], lib: ['lib.es2022.d.ts'] };
      const program = ts.createProgram(roots, options);
      const checker = program.getTypeChecker();
      for (const root of roots) {
        const names: string[] = [];
        const visit = (node: ts.Node): void => {
          if (ts.isTypeAliasDeclaration(node) && node.name.text === 'Breaking') {
            const type = checker.getTypeAtLocation(node.name);
            for (const member of type.isUnion() ? type.types : [type]) {
              if (member.isStringLiteral()) names.push(member.value);
            }
          }
          ts.forEachChild(node, visit);
        };
        const source = program.getSourceFile(root);
        if (source) visit(source);
        computed.set(relative(WORK, root).split(/[\\/]/)[0] ?? root, names.sort());
      }
      for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
        const file = diagnostic.file ? relative(WORK, diagnostic.file.fileName) : '(global)';
        const variant = file.split(/[\\/]/)[0] ?? file;
        const list = failures.get(variant) ?? [];
        list.push(`${file}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
        failures.set(variant, list);
      }
    }, 120_000);

    for (const [i, variant] of VARIANTS.entries()) {
      if (variant.breaks.length === 0) {
        it(`passes on ${variant.name}`, () => {
          expect(failures.get(`variant-${i}`) ?? []).toEqual([]);
          expect(computed.get(`variant-${i}`)).toEqual([]);
        });
      } else {
        it(`fails on ${variant.name}: ${variant.breaks.join(', ')}`, () => {
          const messages = (failures.get(`variant-${i}`) ?? []).join('\n');
          expect(messages, 'the type check should have failed').toMatch(/does not satisfy the constraint 'never'/);
          expect(computed.get(`variant-${i}`)).toEqual([...variant.breaks].sort());
        });
      }
    }

    it('no other file failed to type-check', () => {
      const other = [...failures.keys()].filter((k) => !/^variant-\d+$/.test(k));
      expect(other.flatMap((k) => failures.get(k))).toEqual([]);
    });
  });
});
