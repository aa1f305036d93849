import { freshchatDocument, mockControlDocument } from '../generated/documents.js';

const EXTERNAL = './freshchat.yaml#/components/schemas/';

type Schemas = Record<string, unknown>;

/**
 * The control document with its references into `freshchat.yaml` brought inside it: each referenced schema (and
 * what it refers to in turn) is copied into `components.schemas` under a `Freshchat` prefix. A renderer then reads
 * one self-contained document, with nothing to resolve across files.
 *
 * @example
 * const doc = bundledControlDocument();
 * doc.components.schemas.FreshchatAgent; // the Agent schema of freshchat.yaml
 */
export function bundledControlDocument(): Record<string, unknown> {
  const freshchatSchemas = (freshchatDocument as { components: { schemas: Schemas } }).components.schemas;
  const copied: Schemas = {};
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') out[key] = refOf(child);
      else out[key] = rewrite(child);
    }
    return out;
  };
  // Inside a copied Freshchat schema, `#/components/schemas/X` means Freshchat's X too.
  const copy = (name: string): string => {
    const local = `Freshchat${name}`;
    if (!(local in copied)) {
      copied[local] = {};
      copied[local] = rewriteFreshchat(freshchatSchemas[name]);
    }
    return `#/components/schemas/${local}`;
  };
  const rewriteFreshchat = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewriteFreshchat);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith('#/components/schemas/'))
        out[key] = copy(child.slice('#/components/schemas/'.length));
      else out[key] = rewriteFreshchat(child);
    }
    return out;
  };
  const refOf = (ref: string) => (ref.startsWith(EXTERNAL) ? copy(ref.slice(EXTERNAL.length)) : ref);
  const doc = rewrite(mockControlDocument) as { components: { schemas: Schemas } };
  doc.components.schemas = { ...doc.components.schemas, ...copied };
  return doc;
}
