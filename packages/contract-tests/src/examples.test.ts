/**
 * Every example in both documents matches its schema (AJV, JSON Schema 2020-12 with formats; `$ref`s resolved
 * across the two files), so the examples the docs show and the sandbox's seed built from them are honest.
 */
import { describe, expect, it } from 'vitest';
import { type DocumentExample, documentExamples } from './document-examples.js';
import { schemaProblems } from './schema-validation.js';

const examples: DocumentExample[] = [...documentExamples('freshchat.yaml'), ...documentExamples('mock-control.yaml')];

describe('examples of the documents', () => {
  it('finds the examples of every kind: media types, parameters, schemas, both documents', () => {
    const pointers = examples.map((e) => `${e.document}#${e.pointer}`);
    expect(pointers).toEqual(
      expect.arrayContaining([
        'freshchat.yaml#/paths/~1agents~1status/get/responses/200/content/application~1json/examples/document/value',
        'freshchat.yaml#/webhooks/agent_availability/post/requestBody/content/application~1json/examples/document/value',
        'freshchat.yaml#/components/responses/BadRequest/content/application~1json/examples/invalidField/value',
        'freshchat.yaml#/components/parameters/FreshchatPayloadVersion/schema/examples/0',
        'freshchat.yaml#/components/schemas/AgentIntelliAssignActivityRow/examples/0',
        'mock-control.yaml#/paths/~1_mock~1accounts/post/requestBody/content/application~1json/examples/seeded/value',
        'mock-control.yaml#/paths/~1_storage~1extraction~1{account_hash}~1{year}~1{month}~1{object}/get/responses/403/content/application~1xml/examples/expired/value',
      ]),
    );
    expect(examples.length).toBeGreaterThanOrEqual(30);
  });

  it.each(examples.map((e) => [`${e.document}#${e.pointer}`, e] as const))(
    '%s matches its schema',
    (_name, example) => {
      expect(schemaProblems(example.document, example.schemaPointer, example.value)).toEqual([]);
    },
  );

  it('an example that breaks its schema is caught (the check is not vacuous)', () => {
    const example = examples.find((e) => e.pointer.startsWith('/paths/~1agents~1status/get/responses/200'));
    expect(example).toBeDefined();
    const broken = { states: [{ id: 'ccd63293-dd83-4369-a1e9-27aeabc4e62e' }, { id: 'lunch', name: 'Lunch' }] };
    expect(schemaProblems('freshchat.yaml', example?.schemaPointer ?? '', broken)).toEqual([
      "states[0] must have required property 'name'",
      'states[1].id must match format "uuid"',
    ]);
    // A cross-file $ref (mock-control.yaml → freshchat.yaml#/components/schemas/Error) resolves and validates too.
    expect(
      schemaProblems('mock-control.yaml', '/components/responses/NotFound/content/application~1json/schema', {
        code: 404,
      }),
    ).toEqual(["(root) must have required property 'status'", "(root) must have required property 'message'"]);
  });
});
