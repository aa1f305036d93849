import { type DocumentName, loadDocument, type OpenApiDocument, pointerSegment, resolveLocal } from './documents.js';

/** One example found in a document, and the schema it must match. */
export type DocumentExample = {
  document: DocumentName;
  /** JSON pointer to the example value. */
  pointer: string;
  /** JSON pointer to the schema the example must match. */
  schemaPointer: string;
  value: unknown;
};

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);
const join = (pointer: string, ...segments: (string | number)[]) =>
  `${pointer}${segments.map((s) => `/${pointerSegment(String(s))}`).join('')}`;

/** Subschema keywords holding one schema, a list of schemas, or a map of schemas. */
const ONE = [
  'additionalProperties',
  'items',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
];
const LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const MAP = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];

/**
 * Every example of a document with the schema it must match: the `example`/`examples` of media types (request
 * bodies, responses, webhooks), of parameters and headers, and the `examples` (and `example`) of schemas at any
 * depth. Components are visited once where they are defined, not at each `$ref` to them.
 *
 * @example
 * for (const example of documentExamples('freshchat.yaml')) console.log(example.pointer);
 */
export function documentExamples(document: DocumentName): DocumentExample[] {
  const doc = loadDocument(document);
  const found: DocumentExample[] = [];
  const add = (pointer: string, schemaPointer: string, value: unknown) =>
    found.push({ document, pointer, schemaPointer, value });

  const schema = (node: unknown, pointer: string) => {
    if (!isNode(node)) return;
    if (Array.isArray(node.examples)) {
      for (const [i, value] of node.examples.entries()) add(join(pointer, 'examples', i), pointer, value);
    }
    if ('example' in node) add(join(pointer, 'example'), pointer, node.example);
    for (const key of ONE) schema(node[key], join(pointer, key));
    for (const key of LIST) {
      const list = node[key];
      if (Array.isArray(list)) for (const [i, s] of list.entries()) schema(s, join(pointer, key, i));
    }
    for (const key of MAP) {
      const map = node[key];
      if (isNode(map)) for (const [name, s] of Object.entries(map)) schema(s, join(pointer, key, name));
    }
  };

  /** The `example`/`examples` of a media type, parameter or header, checked against its `schema`. */
  const exampleHolder = (node: Node, pointer: string) => {
    if (!isNode(node.schema)) return;
    const schemaPointer = join(pointer, 'schema');
    if ('example' in node) add(join(pointer, 'example'), schemaPointer, node.example);
    if (isNode(node.examples)) {
      for (const [name, entry] of Object.entries(node.examples)) {
        const resolved = resolveLocal(doc, entry, join(pointer, 'examples', name));
        const value = resolved.value as { value?: unknown; externalValue?: unknown } | undefined;
        if (value && 'value' in value) add(join(resolved.pointer, 'value'), schemaPointer, value.value);
      }
    }
    schema(node.schema, schemaPointer);
  };

  const content = (node: unknown, pointer: string) => {
    if (!isNode(node)) return;
    for (const [type, media] of Object.entries(node)) if (isNode(media)) exampleHolder(media, join(pointer, type));
  };

  /** A parameter, header, request body or response: skipped when it is a `$ref` (visited in components). */
  const holder = (node: unknown, pointer: string) => {
    if (!isNode(node) || typeof node.$ref === 'string') return;
    exampleHolder(node, pointer);
    content(node.content, join(pointer, 'content'));
    if (isNode(node.headers))
      for (const [name, h] of Object.entries(node.headers)) holder(h, join(pointer, 'headers', name));
  };

  const operation = (node: unknown, pointer: string) => {
    if (!isNode(node)) return;
    if (Array.isArray(node.parameters)) {
      for (const [i, p] of node.parameters.entries()) holder(p, join(pointer, 'parameters', i));
    }
    holder(node.requestBody, join(pointer, 'requestBody'));
    if (isNode(node.responses))
      for (const [status, r] of Object.entries(node.responses)) holder(r, join(pointer, 'responses', status));
  };

  for (const section of ['paths', 'webhooks'] as const) {
    for (const [name, item] of Object.entries((doc as OpenApiDocument)[section] ?? {})) {
      const pointer = join('', section, name);
      for (const [key, value] of Object.entries(item)) {
        if (key !== 'parameters') operation(value, join(pointer, key));
        else if (Array.isArray(value)) for (const [i, p] of value.entries()) holder(p, join(pointer, key, i));
      }
    }
  }
  const components = doc.components ?? {};
  for (const kind of ['parameters', 'headers', 'requestBodies', 'responses']) {
    for (const [name, node] of Object.entries(components[kind] ?? {})) holder(node, join('', 'components', kind, name));
  }
  for (const [name, node] of Object.entries(components.schemas ?? {}))
    schema(node, join('', 'components', 'schemas', name));
  return found;
}
