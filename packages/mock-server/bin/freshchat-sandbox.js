#!/usr/bin/env node
// The installed command. It sits outside dist/ so that an install before the first build can link it (pnpm warns
// "Failed to create bin" for a bin whose file does not exist yet); the command itself is the bundled dist/cli.cjs.
// CommonJS, as the bundle is (bin/package.json): Node starts it without its ES module loader (bench/NOTES.md).
const { enableCompileCache } = require('node:module');
const { join } = require('node:path');

// Node's compile cache, where the Node version has one (22.1 and later; Node 20 has none): a later start reads the
// bundle's compiled code instead of compiling it. Turned on here, before the bundle loads, so that `node dist/cli.cjs`
// pays for no extra module (bench/NOTES.md).
enableCompileCache?.();

const cli = join(__dirname, '..', 'dist', 'cli.cjs');
try {
  require(cli);
} catch (error) {
  // Only a missing build is explained here; any other error is the command's own.
  if (error?.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes(cli)) throw error;
  process.stderr.write('freshchat-sandbox: dist/cli.cjs is not built yet: run `npx -y pnpm@10 build` first\n');
  process.exit(1);
}
