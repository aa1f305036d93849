import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { OperationRouter } from './operation-router.js';

const handlersOf = (router: OperationRouter<string>, method: string, path: string) =>
  router.match(method, path)[0].map(([handler]) => handler);

describe('OperationRouter', () => {
  it('lets a static path shadow a parameter at the same place, for every method', () => {
    const router = new OperationRouter<string>();
    router.add('GET', '/v2/agents/status', 'listStatuses');
    router.add('GET', '/v2/agents/:agent_id', 'getAgent');
    router.add('PATCH', '/v2/agents/:agent_id', 'updateAgent');
    expect(handlersOf(router, 'GET', '/v2/agents/status')).toEqual(['listStatuses']);
    expect(handlersOf(router, 'PATCH', '/v2/agents/status')).toEqual([]);
    expect(handlersOf(router, 'GET', '/v2/agents/a1')).toEqual(['getAgent']);
    expect(handlersOf(router, 'PATCH', '/v2/agents/a1')).toEqual(['updateAgent']);
    expect(handlersOf(router, 'GET', '/v2/agents/status/')).toEqual([]);
  });

  it('names the methods that would answer a path', () => {
    const router = new OperationRouter<string>();
    router.add('GET', '/v2/agents/status', 'listStatuses');
    router.add('GET', '/v2/agents/:agent_id', 'getAgent');
    router.add('PATCH', '/v2/agents/:agent_id', 'updateAgent');
    router.add('DELETE', '/_mock/faults/:fault_id', 'deleteFault');
    expect(router.methods('/v2/agents/status')).toEqual(['GET']);
    expect(router.methods('/v2/agents/a1')).toEqual(['GET', 'PATCH']);
    expect(router.methods('/_mock/faults/f1')).toEqual(['DELETE']);
    expect(router.methods('/nowhere')).toEqual([]);
  });

  it('adds a handler for every method to each method of a static path, in the order added', () => {
    const router = new OperationRouter<string>();
    router.add('GET', '/docs', 'get');
    router.add('ALL', '/docs', 'all');
    router.add('POST', '/docs', 'post');
    expect(handlersOf(router, 'GET', '/docs')).toEqual(['get', 'all']);
    expect(handlersOf(router, 'POST', '/docs')).toEqual(['all', 'post']);
    expect(handlersOf(router, 'PUT', '/docs')).toEqual(['all']);
    expect(router.methods('/docs')).toEqual(['GET', 'POST']);
  });

  it('runs middleware on wildcard paths for static and parameter routes alike, in the order added', async () => {
    const app = new Hono({ router: new OperationRouter() });
    const seen: string[] = [];
    app.use('*', async (c, next) => {
      seen.push(`all ${c.req.path}`);
      await next();
    });
    app.use('/v2/agents/*', async (c, next) => {
      seen.push(`agents ${c.req.path}`);
      await next();
    });
    app.get('/v2/agents/status', (c) => c.text('statuses'));
    app.get('/v2/agents/:agent_id', (c) => c.text(`agent ${c.req.param('agent_id')}`));
    app.get('/docs', (c) => c.text('docs'));
    expect(await (await app.request('/v2/agents/status')).text()).toBe('statuses');
    expect(await (await app.request('/v2/agents/a1')).text()).toBe('agent a1');
    expect(await (await app.request('/docs')).text()).toBe('docs');
    expect(seen).toEqual([
      'all /v2/agents/status',
      'agents /v2/agents/status',
      'all /v2/agents/a1',
      'agents /v2/agents/a1',
      'all /docs',
    ]);
    // Middleware matches every method; it is not a route that would answer one.
    const router = new OperationRouter<string>();
    router.add('ALL', '/*', 'middleware');
    router.add('GET', '/v2/agents/status', 'listStatuses');
    router.add('PATCH', '/v2/agents/:agent_id', 'updateAgent');
    expect(router.methods('/v2/agents/status')).toEqual(['GET']);
    expect(handlersOf(router, 'GET', '/v2/agents/status')).toEqual(['middleware', 'listStatuses']);
    expect(handlersOf(router, 'PATCH', '/v2/agents/status')).toEqual(['middleware']);
  });

  it('serves a Hono app, with path parameters', async () => {
    const app = new Hono({ router: new OperationRouter() });
    app.get('/v2/agents/status', (c) => c.text('statuses'));
    app.get('/v2/agents/:agent_id', (c) => c.text(`agent ${c.req.param('agent_id')}`));
    app.get('/_storage/:hash/:year/:object', (c) => c.json(c.req.param()));
    expect(await (await app.request('/v2/agents/status')).text()).toBe('statuses');
    expect(await (await app.request('/v2/agents/a%201')).text()).toBe('agent a 1');
    expect(await (await app.request('/_storage/h/2030/x.zip')).json()).toEqual({
      hash: 'h',
      year: '2030',
      object: 'x.zip',
    });
    expect((await app.request('/v2/agents/status', { method: 'PATCH' })).status).toBe(404);
  });
});
