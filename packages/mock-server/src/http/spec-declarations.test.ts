/**
 * Defects an OpenAPI fuzzer found between the documents and the mock: every answer the mock gives is declared,
 * every rule it applies is written in the documents, and the documents can be read by other languages' generators.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openapiDir } from '@freshchat-sandbox/openapi/compile-validators';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  freshchatDocument,
  freshchatYaml,
  mockControlDocument,
  mockControlYaml,
  operationRoutes,
} from '../generated/documents.js';
import { operationValidators } from '../generated/validators.js';
import { auth, iso, openSandbox, T0 } from '../testing/sandbox-harness.js';

type Operation = { operationId: string; responses: Record<string, { $ref?: string; content?: unknown }> };
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: {
    responses: Record<string, { headers?: Record<string, unknown>; content?: unknown }>;
    schemas: Record<string, Record<string, unknown>>;
  };
  webhooks: Record<string, unknown>;
};
const freshchat = freshchatDocument as unknown as Document;
const control = mockControlDocument as unknown as Document;

function operation(document: Document, operationId: string): Operation {
  for (const item of Object.values(document.paths))
    for (const op of Object.values(item)) if (op.operationId === operationId) return op;
  throw new Error(`no operation ${operationId}`);
}

describe('a malformed id in the path', () => {
  it.each([
    ['deleteStatus', 'DELETE', '/_mock/statuses/not-a-uuid', 'status_id'],
    ['getAgentHistory', 'GET', '/_mock/agents/not-a-uuid/history', 'agent_id'],
    ['unsubscribeWebhook', 'DELETE', '/_mock/webhooks/not-a-uuid', 'subscription_id'],
    ['removeFault', 'DELETE', '/_mock/faults/not-a-uuid', 'fault_id'],
  ])('%s answers 400 naming %s, and declares it', async (operationId, method, path, parameter) => {
    const { raw } = openSandbox();
    const response = await raw(path, { method, headers: auth() });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 400,
      status: 'INVALID_VALUE',
      message: `${parameter}: must match format "uuid"`,
    });
    expect(Object.keys(operation(control, operationId).responses)).toContain('400');
  });
});

describe('405 with Allow', () => {
  const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  const paths = new Map<string, string[]>();
  for (const route of operationRoutes) paths.set(route.path, [...(paths.get(route.path) ?? []), route.method]);

  it('is declared in both documents, with the Allow header', () => {
    for (const document of [freshchat, control]) {
      const declared = document.components.responses.MethodNotAllowed;
      expect(declared?.headers).toHaveProperty('Allow');
      expect(declared?.content).toHaveProperty('application/json');
    }
    expect(freshchatYaml).toContain('answers `405` with `Allow`');
    expect(mockControlYaml).toContain('answers `405` with `Allow`');
  });

  it.each([...paths])('%s answers every undeclared method with 405, Allow naming %j', async (template, allowed) => {
    const { raw } = openSandbox();
    const path = template.replace(/\{(\w+)\}/g, 'x');
    for (const method of METHODS.filter((m) => !allowed.includes(m))) {
      const response = await raw(path, { method, headers: auth() });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get('allow')?.split(', ').sort()).toEqual([...allowed].sort());
      expect(await response.json()).toEqual({
        code: 405,
        status: 'METHOD_NOT_ALLOWED',
        message: `method: ${method} is not allowed on ${path}`,
      });
    }
  });
});

describe('POST /_mock/webhooks/trigger', () => {
  const validate = operationValidators.triggerWebhook?.body;

  it('declares data per action (oneOf, discriminator on action), one alternative per documented webhook', () => {
    const trigger = control.components.schemas.WebhookTrigger as {
      oneOf: unknown[];
      discriminator: { propertyName: string; mapping: Record<string, string> };
    };
    expect(trigger.discriminator.propertyName).toBe('action');
    expect(Object.keys(trigger.discriminator.mapping).sort()).toEqual(Object.keys(freshchat.webhooks).sort());
    expect(trigger.oneOf).toHaveLength(Object.keys(freshchat.webhooks).length);
  });

  it('has its request validator, compiled from the spec, refuse data that is not the action’s', () => {
    const conversation = { conversation_id: 'c', app_id: 'a', status: 'resolved' };
    expect(validate?.({ action: 'conversation_resolution' })).toBe(true);
    expect(
      validate?.({ action: 'conversation_resolution', data: { resolve: { resolver: 'agent', conversation } } }),
    ).toBe(true);
    expect(validate?.({ action: 'conversation_reopen', data: { resolve: { resolver: 'agent', conversation } } })).toBe(
      false,
    );
    expect(validate?.({ action: 'message_create', data: { anything: true } })).toBe(false);
    expect(validate?.({ action: 'agent_availability', actor: { actor_type: 'bot', actor_id: 'b' } })).toBe(false);
  });
});

describe('POST /_mock/agents', () => {
  it('documents its since rule, with the message the mock answers', async () => {
    const { control: client } = openSandbox();
    const refused = await client.POST('/_mock/agents', {
      body: { first_name: 'A', last_name: 'L', since: iso(T0 + 1000) },
    });
    const declared = operation(control, 'createAgent').responses['400'] as {
      content: { 'application/json': { examples: Record<string, { value: unknown }> } };
    };
    expect(refused.response.status).toBe(400);
    expect(Object.values(declared.content['application/json'].examples).map((e) => e.value)).toContainEqual(
      refused.error,
    );
    const since = (control.components.schemas.AgentSeed as { properties: { since: { description: string } } })
      .properties.since.description;
    expect(since).toContain('must not be in the future nor earlier than');
  });
});

describe('ReportEvent', () => {
  it('names each value with x-enum-varnames, distinct even where case is ignored', () => {
    const schema = freshchat.components.schemas.ReportEvent as { enum: string[]; 'x-enum-varnames': string[] };
    const names = schema['x-enum-varnames'];
    expect(names).toHaveLength(schema.enum.length);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
  });
});

describe('the bundled documents', () => {
  /** Every `$ref` in a document that points outside it. */
  function externalRefs(node: unknown, found: string[] = []): string[] {
    if (Array.isArray(node)) for (const item of node) externalRefs(item, found);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) found.push(value);
        else externalRefs(value, found);
      }
    }
    return found;
  }

  it('the sources refer across files; the bundles in openapi/bundled/ do not', () => {
    expect(externalRefs(control).length).toBeGreaterThan(0);
    for (const file of ['freshchat.yaml', 'mock-control.yaml']) {
      const bundled = parse(readFileSync(join(openapiDir, 'bundled', file), 'utf8'));
      expect(bundled.openapi).toBe('3.1.0');
      expect(externalRefs(bundled), file).toEqual([]);
    }
  });

  it('are what /openapi.yaml and /mock-control.yaml serve, byte for byte', async () => {
    const { raw } = openSandbox();
    for (const [path, file] of [
      ['/openapi.yaml', 'freshchat.yaml'],
      ['/mock-control.yaml', 'mock-control.yaml'],
    ] as const) {
      const response = await raw(path);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(readFileSync(join(openapiDir, 'bundled', file), 'utf8'));
    }
  });
});
