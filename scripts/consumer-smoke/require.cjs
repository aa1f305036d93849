// Node ≥ 20.19 loads the ES-only packages with require(): none of them has a top-level await.
const assert = require('node:assert/strict');

assert.equal(typeof require('@freshchat-sandbox/client').createFreshchatClient, 'function');
assert.equal(typeof require('@freshchat-sandbox/webhook-types').receiveWebhook, 'function');
assert.equal(typeof require('@freshchat-sandbox/mock-server').createMockServer, 'function');
assert.equal(typeof require('@freshchat-sandbox/openapi/compile-validators').compileValidators, 'function');
assert.equal(typeof require('@freshchat-sandbox/openapi/field-path').fieldPath, 'function');
console.log('require(): client, webhook-types, mock-server, openapi/compile-validators and openapi/field-path load');
