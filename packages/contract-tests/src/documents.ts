import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse } from 'yaml';

/** The two OpenAPI documents this package checks: the Freshchat API's and the sandbox control API's. */
export type DocumentName = 'freshchat.yaml' | 'mock-control.yaml';

/** An OpenAPI document as parsed from YAML: plain JSON values. */
export type OpenApiDocument = Record<string, unknown> & {
  paths?: Record<string, Record<string, unknown>>;
  webhooks?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
};

/** One operation of a document, with what it takes to recognise its requests and check its answers. */
export type DocumentOperation = {
  document: DocumentName;
  operationId: string;
  /** Upper-case HTTP method. */
  method: string;
  /** The path template as the document spells it, such as `/agents/{agent_id}`. */
  path: string;
  /** The statuses the document declares, such as `['200', '401']` (a `default` response is left out). */
  statuses: string[];
  /** JSON pointer to the operation object, such as `/paths/~1agents/get`. */
  pointer: string;
};

const require = createRequire(import.meta.url);

/** Where a document lives on disk (resolved through `@freshchat-sandbox/openapi`). */
export function documentPath(name: DocumentName): string {
  return require.resolve(`@freshchat-sandbox/openapi/${name}`);
}

const loaded = new Map<DocumentName, OpenApiDocument>();

/** Loads and parses one document (cached). */
export function loadDocument(name: DocumentName): OpenApiDocument {
  let doc = loaded.get(name);
  if (!doc) {
    doc = parse(readFileSync(documentPath(name), 'utf8')) as OpenApiDocument;
    loaded.set(name, doc);
  }
  return doc;
}

/** `~` and `/` escaped for a JSON pointer segment. */
export function pointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The value at a JSON pointer inside `root`, or undefined. */
export function atPointer(root: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '#') return root;
  let node: unknown = root;
  for (const raw of pointer.replace(/^#/, '').split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * Follows a local `$ref` (`#/components/...`) until the object it names; returns that object and its pointer.
 * Cross-file refs are not followed here (only schemas use them, and AJV resolves those).
 */
export function resolveLocal(
  doc: OpenApiDocument,
  value: unknown,
  pointer: string,
): { value: unknown; pointer: string } {
  let current = { value, pointer };
  for (let hops = 0; hops < 20; hops++) {
    const ref = (current.value as { $ref?: unknown } | null)?.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#')) return current;
    const target = ref.slice(1);
    current = { value: atPointer(doc, target), pointer: target };
  }
  throw new Error(`$ref chain too long at ${pointer}`);
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/** Every operation under `paths` of a document, in document order. */
export function documentOperations(name: DocumentName): DocumentOperation[] {
  const doc = loadDocument(name);
  const operations: DocumentOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method] as { operationId?: string; responses?: Record<string, unknown> } | undefined;
      if (!op) continue;
      if (!op.operationId) throw new Error(`${name}: ${method.toUpperCase()} ${path} has no operationId`);
      operations.push({
        document: name,
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        statuses: Object.keys(op.responses ?? {}).filter((status) => status !== 'default'),
        pointer: `/paths/${pointerSegment(path)}/${method}`,
      });
    }
  }
  return operations;
}

/**
 * Finds the operation a request is for: same method, and a path template that matches. Literal segments win over
 * parameters, so `/agents/status` is `listAgentStatuses`, not `getAgent` with the id `status`.
 */
export function matchOperation(
  operations: readonly DocumentOperation[],
  method: string,
  path: string,
): DocumentOperation | undefined {
  const segments = path.replace(/\/+$/, '').split('/');
  let best: { op: DocumentOperation; literals: number } | undefined;
  for (const op of operations) {
    if (op.method !== method.toUpperCase()) continue;
    const template = op.path.split('/');
    if (template.length !== segments.length) continue;
    let literals = 0;
    let matches = true;
    for (const [i, part] of template.entries()) {
      const actual = decodeURIComponent(segments[i] ?? '');
      if (/^\{[^}]+\}$/.test(part)) {
        if (actual === '') matches = false;
      } else if (part === actual) {
        literals++;
      } else {
        matches = false;
      }
      if (!matches) break;
    }
    if (matches && (!best || literals > best.literals)) best = { op, literals };
  }
  return best?.op;
}
