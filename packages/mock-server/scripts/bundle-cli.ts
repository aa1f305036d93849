/**
 * Bundles the command line into one file, `dist/cli.js`, after tsc has built the library: a single module starts
 * faster than Node resolving and loading some sixty (measured: cold start to the first 200, ≈ 300 → ≈ 235 ms).
 * The library entry points (`dist/index.js`, …) stay as tsc emits them.
 */
import { writeFileSync } from 'node:fs';
import { build, type Plugin } from 'esbuild';

/**
 * @hono/node-server imports `node:http2` only to recognise an HTTP/2 request (`instanceof Http2ServerRequest`, and a
 * constant to close its stream). The command serves HTTP/1.1 alone (`http.createServer`), so in the bundle that
 * import is a class nothing is an instance of: Node then never loads its HTTP/2 modules, about 8 ms of CPU of every
 * start (bench/NOTES.md).
 */
const noHttp2: Plugin = {
  name: 'no-http2',
  setup(build) {
    build.onResolve({ filter: /^(node:)?http2$/ }, (args) =>
      args.importer.includes('@hono/node-server') ? { path: 'http2', namespace: 'no-http2' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'no-http2' }, () => ({
      contents: 'export class Http2ServerRequest {}\nexport const constants = {};\n',
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli-bundle.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // No map: it would ship a copy of every bundled source (≈ 1.1 MB) for stack traces few ever read.
  sourcemap: false,
  allowOverwrite: true,
  logLevel: 'warning',
  plugins: [noHttp2],
  // CommonJS dependencies bundled into an ES module still call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
});

// The command itself turns on Node's compile cache first, where the Node version has it (22.1 and later; Node 20 has
// none and runs the bundle as before): a later start then reads the bundle's compiled code instead of compiling it.
writeFileSync(
  'dist/cli.js',
  [
    '#!/usr/bin/env node',
    "// The command: Node's compile cache where this Node has one, then the bundle (scripts/bundle-cli.ts).",
    "import module from 'node:module';",
    'module.enableCompileCache?.();',
    "await import('./cli-bundle.js');",
    '',
  ].join('\n'),
);
