#!/usr/bin/env node
// The installed command. It sits outside dist/ so that an install before the first build can link it (pnpm warns
// "Failed to create bin" for a bin whose file does not exist yet); the command itself is the bundled dist/cli.js.
import '../dist/cli.js';
