// startPrism from the tarball, with the optional peer dependency @stoplight/prism-cli installed beside it: Prism in
// front of a sandbox, checking one answer against freshchat.yaml.
import { documentPath, startPrism } from '@freshchat-sandbox/contract-tests';
import { listen } from '@freshchat-sandbox/mock-server';

const sandbox = await listen({ port: 0 });
let prism;
try {
  prism = await startPrism({ document: documentPath('freshchat.yaml'), upstream: `${sandbox.url}/v2` });
  const response = await fetch(`${prism.url}/agents/status`, { headers: { Authorization: 'Bearer sandbox-token' } });
  const violations = response.headers.get('sl-violations');
  if (response.status !== 200 || violations) {
    throw new Error(`through Prism, GET /agents/status answered ${response.status} (violations: ${violations})`);
  }
  console.log(`startPrism: Prism at ${prism.url} forwarded GET /agents/status to the sandbox: 200, no violations`);
} finally {
  await prism?.stop();
  await sandbox.stop();
}
