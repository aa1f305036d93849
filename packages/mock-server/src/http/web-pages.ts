import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/**
 * The package's `web/` folder. Looked for upwards from this module, which sits in `src/http/` (sources), in
 * `dist/http/` (the library build) or in `dist/` (the bundled CLI); the build copies `web/` to `dist/web/`.
 */
function webFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'web', 'docs.html'))) return join(dir, 'web');
    dir = dirname(dir);
  }
  throw new Error('the mock server package has no web/ folder');
}

/**
 * Scalar's self-contained browser bundle (never a CDN): the copy `scripts/build-cli.ts` puts in `dist/web/scalar.js`,
 * or, run from the sources in the workspace, the file in the devDependency `@scalar/api-reference` it copies.
 */
function scalarBundlePath(web: string): string {
  const copied = join(web, 'scalar.js');
  if (existsSync(copied)) return copied;
  const entry = createRequire(import.meta.url).resolve('@scalar/api-reference');
  return join(dirname(entry), 'browser', 'standalone.js');
}

/** A file answered as it is, read once on first use; `undefined` for a name the folder does not hold. */
function fileRoute(path: () => string) {
  let bytes: Uint8Array | undefined;
  return () => {
    const file = path();
    bytes ??= readFileSync(file);
    const type = TYPES[file.slice(file.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
    return new Response(bytes as Uint8Array<ArrayBuffer>, {
      headers: { 'Content-Type': type, 'Cache-Control': 'no-cache' },
    });
  };
}

/** The inspector's files, by the name the page asks for. */
const INSPECTOR_FILES = ['inspector.css', 'inspector.js', 'sections.js', 'timeline.js', 'feed.js', 'types.js'];

/**
 * Adds the two pages, which need no token (their data calls do): `/docs`, the API reference of both documents
 * rendered by Scalar from the package's own copy of its browser bundle, and `/_inspector`, the live page of one
 * account. Nothing they load comes from another host. `/docs/` and `/_inspector/` redirect (301) to the page.
 *
 * @example
 * addWebPages(app);
 */
export function addWebPages(app: Hono): void {
  const web = webFolder();
  app.get(
    '/docs',
    fileRoute(() => join(web, 'docs.html')),
  );
  app.get(
    '/docs/docs.js',
    fileRoute(() => join(web, 'docs.js')),
  );
  app.get(
    '/docs/scalar.js',
    fileRoute(() => scalarBundlePath(web)),
  );
  app.get(
    '/_inspector',
    fileRoute(() => join(web, 'inspector', 'index.html')),
  );
  for (const name of INSPECTOR_FILES)
    app.get(
      `/_inspector/${name}`,
      fileRoute(() => join(web, 'inspector', name)),
    );
  // Typed with a trailing slash, a page is sent to its one address; the `#token=…` the inspector reads survives.
  for (const page of ['/docs', '/_inspector'])
    app.get(`${page}/`, (c) => c.redirect(`${page}${new URL(c.req.url).search}`, 301));
}
