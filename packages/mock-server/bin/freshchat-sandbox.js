#!/usr/bin/env node
// The installed command. It sits outside dist/ so that an install before the first build can link it (pnpm warns
// "Failed to create bin" for a bin whose file does not exist yet); the command itself is the bundled dist/cli.js.
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
try {
  await import(cli.href);
} catch (error) {
  // Only a missing build is explained here; any other error is the command's own.
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(fileURLToPath(cli))) throw error;
  process.stderr.write('freshchat-sandbox: dist/cli.js is not built yet: run `npx -y pnpm@10 build` first\n');
  process.exit(1);
}
