import type { FetchLike } from '@freshchat-sandbox/client';
import {
  atPointer,
  type DocumentName,
  type DocumentOperation,
  documentOperations,
  loadDocument,
  matchOperation,
  pointerSegment,
  resolveLocal,
} from './documents.js';
import type { ResponseLedger } from './response-ledger.js';
import { schemaProblems } from './schema-validation.js';

/** Thrown by a checked fetch when an answer breaks the document, so the check that sent the request fails there. */
export class ContractViolationError extends Error {
  override readonly name = 'ContractViolationError';
}

/** One entry of Prism's `sl-violations` header. */
export type PrismViolation = { location: string[]; severity: string; code?: string | number; message: string };

/**
 * Prism 5 (`@stoplight/prism-http-server`, `addViolationHeader`) reports every request and response violation of an
 * answer in the `sl-violations` header, as a JSON array of `{location, severity, code, message}` whose `location`
 * starts with `request` or `response`. Past about 8 KiB it sends `Too many violations! <truncated JSON>`.
 */
export const PRISM_VIOLATIONS_HEADER = 'sl-violations';

/** The entries of an `sl-violations` header value (none for null); a truncated header is one entry holding it. */
export function parseViolations(header: string | null): PrismViolation[] {
  if (!header) return [];
  try {
    return JSON.parse(header) as PrismViolation[];
  } catch {
    return [{ location: ['response'], severity: 'Error', message: header.slice(0, 500) }];
  }
}

/** The response-side violations of an answer proxied by Prism, one line each. */
export function responseViolations(response: Response): string[] {
  return parseViolations(response.headers.get(PRISM_VIOLATIONS_HEADER))
    .filter((v) => v.location[0] === 'response')
    .map((v) => `[Prism ${v.severity}] ${v.location.join('.')}: ${v.message}`);
}

/**
 * A fetch for requests sent through `prism proxy <freshchat.yaml> <upstream>`: it records every answer's operation
 * and status in the ledger, and throws {@link ContractViolationError} when Prism reports that the answer violates
 * the document (`sl-violations` on the response side; with `--errors` the answer is then Prism's own 500).
 *
 * @example
 * const fetch = prismCheckedFetch({ prismUrl: 'http://127.0.0.1:4010', ledger });
 * const freshchat = createFreshchatClient({ baseUrl: 'http://127.0.0.1:4010', token, fetch });
 */
export function prismCheckedFetch(options: {
  prismUrl: string;
  ledger?: ResponseLedger;
  fetch?: FetchLike;
}): FetchLike {
  const { prismUrl, ledger, fetch = (request) => globalThis.fetch(request) } = options;
  const operations = documentOperations('freshchat.yaml');
  const base = new URL(prismUrl).pathname.replace(/\/$/, '');
  return async (request) => {
    const url = new URL(request.url);
    const path = url.pathname.startsWith(base) ? url.pathname.slice(base.length) : url.pathname;
    const response = await fetch(request);
    const op = matchOperation(operations, request.method, path);
    const problems = responseViolations(response);
    if (!op) problems.push(`no operation of freshchat.yaml matches ${request.method} ${path}`);
    return settle(ledger, 'freshchat.yaml', op, request.method, path + url.search, response, problems);
  };
}

/**
 * A fetch that checks every answer against a document itself, with AJV: the status must be declared, the media type
 * must be one the document names for it, a JSON body must match its schema, and declared headers must match theirs.
 * Records every answer in the ledger and throws {@link ContractViolationError} on a violation.
 *
 * @example
 * // The control API and the storage links, checked against mock-control.yaml
 * const fetch = documentCheckedFetch({ document: 'mock-control.yaml', baseUrl: sandboxOrigin, ledger });
 */
export function documentCheckedFetch(options: {
  document: DocumentName;
  /** What the document's paths are relative to: the sandbox origin, or the Freshchat API's base URL (…/v2). */
  baseUrl: string;
  ledger?: ResponseLedger;
  fetch?: FetchLike;
}): FetchLike {
  const { document, ledger, fetch = (request) => globalThis.fetch(request) } = options;
  const operations = documentOperations(document);
  const base = new URL(options.baseUrl).pathname.replace(/\/$/, '');
  return async (request) => {
    const url = new URL(request.url);
    const path = url.pathname.startsWith(base) ? url.pathname.slice(base.length) : url.pathname;
    const response = await fetch(request);
    const op = matchOperation(operations, request.method, path);
    const problems = op
      ? await answerProblems(document, op, response)
      : [`no operation of ${document} matches ${request.method} ${path}`];
    return settle(ledger, document, op, request.method, path + url.search, response, problems);
  };
}

function settle(
  ledger: ResponseLedger | undefined,
  document: DocumentName,
  op: DocumentOperation | undefined,
  method: string,
  path: string,
  response: Response,
  problems: string[],
): Response {
  ledger?.record({ document, operationId: op?.operationId, method, path, status: response.status, problems });
  if (problems.length > 0) {
    throw new ContractViolationError(
      `${op?.operationId ?? '?'} (${method} ${path}) answered ${response.status}, which violates ${document}:\n  ${problems.join('\n  ')}`,
    );
  }
  return response;
}

type ResponseObject = {
  content?: Record<string, { schema?: unknown }>;
  headers?: Record<string, unknown>;
};
type HeaderObject = { required?: boolean; schema?: { type?: string | string[] } };

/** Where an answer breaks what the document says about the operation's responses. */
async function answerProblems(document: DocumentName, op: DocumentOperation, response: Response): Promise<string[]> {
  const doc = loadDocument(document);
  const declared = atPointer(doc, op.pointer) as { responses?: Record<string, unknown> };
  const status = String(response.status);
  const key = declared.responses?.[status] !== undefined ? status : 'default';
  const raw = declared.responses?.[key];
  if (raw === undefined) {
    return [`status ${status} is not declared (declared: ${op.statuses.join(', ')})`];
  }
  const resolved = resolveLocal(doc, raw, `${op.pointer}/responses/${key}`);
  const answer = resolved.value as ResponseObject;
  const problems: string[] = [];

  for (const [name, header] of Object.entries(answer.headers ?? {})) {
    const h = resolveLocal(doc, header, `${resolved.pointer}/headers/${pointerSegment(name)}`);
    const spec = h.value as HeaderObject;
    const value = response.headers.get(name);
    if (value === null) {
      if (spec.required) problems.push(`header ${name} is required`);
      continue;
    }
    if (spec.schema) {
      const types = [spec.schema.type ?? []].flat();
      const numeric = (types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(value);
      for (const p of schemaProblems(document, `${h.pointer}/schema`, numeric ? Number(value) : value)) {
        problems.push(`header ${name}: ${p}`);
      }
    }
  }

  // An event stream never ends: only its media type is checked here (reading a clone of it stalls the original).
  const streaming = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  const body = streaming ? new Uint8Array(0) : new Uint8Array(await response.clone().arrayBuffer());
  const content = answer.content ?? {};
  const mediaTypes = Object.keys(content);
  if (mediaTypes.length === 0) {
    if (body.length > 0) problems.push(`a ${status} answer declares no body, but ${body.length} bytes came`);
    return problems;
  }
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const mediaType = mediaTypes.find(
    (m) => m.toLowerCase() === contentType || (m.endsWith('/*') && contentType.startsWith(m.slice(0, -1))),
  );
  if (!mediaType) {
    problems.push(`media type "${contentType}" is not declared for ${status} (declared: ${mediaTypes.join(', ')})`);
    return problems;
  }
  if (/^application\/(?:[\w.+-]+\+)?json$/.test(mediaType) && content[mediaType]?.schema !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(body));
    } catch (error) {
      problems.push(`body is not JSON: ${(error as Error).message}`);
      return problems;
    }
    const schemaPointer = `${resolved.pointer}/content/${pointerSegment(mediaType)}/schema`;
    for (const p of schemaProblems(document, schemaPointer, json)) problems.push(`body ${p}`);
  }
  return problems;
}
