/**
 * Copies the pages `/docs` and `/_inspector` serve into `dist/web/`, after tsc and the CLI bundle: the package's
 * `web/` folder, and Scalar's self-contained browser bundle as `dist/web/scalar.js`. Scalar is a devDependency, so
 * an install of the package does not pull in its ≈ 270 MB of dependencies (Vue, icons, highlight.js, …) for one
 * 4 MB file that only the browser runs.
 */
import { copyFileSync, cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

cpSync('web', 'dist/web', { recursive: true, filter: (file) => !file.endsWith('tsconfig.json') });
const scalarEntry = createRequire(import.meta.url).resolve('@scalar/api-reference');
copyFileSync(join(dirname(scalarEntry), 'browser', 'standalone.js'), 'dist/web/scalar.js');
