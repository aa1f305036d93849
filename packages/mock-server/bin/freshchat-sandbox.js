#!/usr/bin/env node
// The installed command. It sits outside dist/ so that an install before the first build can link it (pnpm warns
// "Failed to create bin" for a bin whose file does not exist yet); the command itself is the bundled dist/cli.js.
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Node's compile cache, where the Node version has one (22.1 and later; Node 20 has none): a later start reads the
// bundle's compiled code instead of compiling it. Turned on here, before the bundle loads, so that `node dist/cli.js`
// pays for no extra module (bench/NOTES.md).
module.enableCompileCache?.();

const cli = new URL('../dist/cli.js', import.meta.url);
try {
  await import(cli.href);
} catch (error) {
  // Only a missing build is explained here; any other error is the command's own.
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(fileURLToPath(cli))) throw error;
  process.stderr.write('freshchat-sandbox: dist/cli.js is not built yet: run `npx -y pnpm@10 build` first\n');
  process.exit(1);
}
