#!/usr/bin/env node
// The installed command. It sits outside dist/ so that an install before the first build can link it (pnpm warns
// "Failed to create bin" for a bin whose file does not exist yet); the command itself is the bundled dist/cli.cjs.
// CommonJS, as the bundle is (bin/package.json): Node starts it without its ES module loader (bench/NOTES.md).
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { runWithCodeCache } = require('./code-cache.js');

const cli = join(__dirname, '..', 'dist', 'cli.cjs');
let bytes;
try {
  bytes = readFileSync(cli);
} catch (error) {
  // Only a missing build is explained here; any other error is the command's own.
  if (error?.code !== 'ENOENT') throw error;
  process.stderr.write('freshchat-sandbox: dist/cli.cjs is not built yet: run `npx -y pnpm@10 build` first\n');
  process.exit(1);
}
runWithCodeCache(cli, bytes);
