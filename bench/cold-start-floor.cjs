// The floor of a cold start: the least a server in Node does before its first 200, to set the sandbox's start beside.
// `node cold-start-floor.cjs node-http --port <port>`: plain node:http. `… hono --port <port>`: a bare Hono app
// served by @hono/node-server, as the sandbox is. Each answers GET /v2/agents/status with a small JSON body. CommonJS,
// as the sandbox's command is: an ES module would add Node's ES module loader to the floor. Neither has a bundle or a
// code cache, which the sandbox's command has.
const [kind, , port] = process.argv.slice(2);
const body = '{"agent_statuses":[]}';
if (kind === 'node-http') {
  require('node:http')
    .createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(body);
    })
    .listen(Number(port), '127.0.0.1');
} else {
  const { serve } = require('@hono/node-server');
  const { Hono } = require('hono');
  const app = new Hono();
  app.get('/v2/agents/status', (c) => c.body(body, 200, { 'content-type': 'application/json' }));
  serve({ fetch: app.fetch, port: Number(port), hostname: '127.0.0.1' });
}
