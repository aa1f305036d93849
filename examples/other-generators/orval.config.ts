import { defineConfig } from 'orval';

/**
 * orval: a fetch client per bundled document, read from the installed package as a consumer would. Each client
 * calls its mutator (src/orval-fetch.ts), which adds the sandbox's base URL and token.
 */
export default defineConfig({
  freshchat: {
    input: 'node_modules/@freshchat-sandbox/openapi/bundled/freshchat.yaml',
    output: {
      target: 'generated/orval/freshchat.ts',
      client: 'fetch',
      mode: 'single',
      override: { mutator: { path: 'src/orval-fetch.ts', name: 'freshchatFetch' } },
    },
  },
  control: {
    input: 'node_modules/@freshchat-sandbox/openapi/bundled/mock-control.yaml',
    output: {
      target: 'generated/orval/mock-control.ts',
      client: 'fetch',
      mode: 'single',
      override: { mutator: { path: 'src/orval-fetch.ts', name: 'controlFetch' } },
    },
  },
});
