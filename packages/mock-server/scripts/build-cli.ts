/**
 * Builds what the command line needs, and only that, in `dist/`: `dist/cli.cjs`, the command bundled into one file,
 * and `dist/web/`, the pages `/docs` and `/_inspector` serve. `build` runs it after tsc has built the library (whose
 * entry points, `dist/index.js`, …, stay as tsc emits them); the root `start` runs it alone, from the sources and the
 * committed generated code, so a first start needs no generate, no tsc and no other package's build. It says what it
 * does as it goes, so a first start is never silent.
 *
 * One module starts faster than Node resolving and loading some sixty (measured: cold start to the first 200,
 * ≈ 300 → ≈ 235 ms). It is CommonJS: an ES module makes Node start its ES module loader, and `import` of a built-in
 * (`node:fs`, `node:util`, …) evaluates every lazy export of it, where `require` does not (bench/NOTES.md, "The
 * cold start measured again").
 */
import { copyFileSync, cpSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';

/**
 * @hono/node-server imports `node:http2` only to recognise an HTTP/2 request (`instanceof Http2ServerRequest`, and a
 * constant to close its stream). The command serves HTTP/1.1 alone (`http.createServer`), so in the bundle that
 * import is a class nothing is an instance of: Node then never loads its HTTP/2 modules, about 6 ms of CPU of every
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

const started = performance.now();
const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const say = (line: string) => process.stdout.write(`freshchat-sandbox: ${line}\n`);
// A reader that stops early (`pnpm start --help | head`) is no reason to fail the build, nor the start after it.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

say('bundling the command line (src/cli.ts → dist/cli.cjs)…');
await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // No map: it would ship a copy of every bundled source (≈ 1.1 MB) for stack traces few ever read.
  sourcemap: false,
  allowOverwrite: true,
  logLevel: 'warning',
  plugins: [noHttp2],
  // The sources find their package's files from `import.meta.url`, which CommonJS does not have: the bundle's own URL.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// Scalar is a devDependency: an install of the package does not pull in its ≈ 270 MB of dependencies (Vue, icons,
// highlight.js, …) for one 4 MB file that only the browser runs. Its self-contained bundle is copied instead.
cpSync('web', 'dist/web', { recursive: true, filter: (file) => !file.endsWith('tsconfig.json') });
const scalarEntry = createRequire(import.meta.url).resolve('@scalar/api-reference');
copyFileSync(join(dirname(scalarEntry), 'browser', 'standalone.js'), 'dist/web/scalar.js');
const size = (statSync('dist/cli.cjs').size / 1e6).toFixed(1);
say(`dist/cli.cjs (${size} MB) and the /docs and /_inspector pages built in ${seconds()}`);
