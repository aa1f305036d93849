import { defineConfig } from '@hey-api/openapi-ts';

/** @hey-api/openapi-ts: a fetch client per bundled document, read from the installed package as a consumer would. */
export default defineConfig([
  {
    input: 'node_modules/@freshchat-sandbox/openapi/bundled/freshchat.yaml',
    output: 'generated/hey-api/freshchat',
    plugins: ['@hey-api/client-fetch'],
  },
  {
    input: 'node_modules/@freshchat-sandbox/openapi/bundled/mock-control.yaml',
    output: 'generated/hey-api/mock-control',
    plugins: ['@hey-api/client-fetch'],
  },
]);
