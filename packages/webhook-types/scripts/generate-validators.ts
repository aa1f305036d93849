/** `pnpm generate` (second half): validators for every webhook payload, compiled from openapi/freshchat.yaml. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileValidators } from '@freshchat-sandbox/openapi/compile-validators';

const out = join(import.meta.dirname, '..', 'src', 'generated');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'validators.ts'), compileValidators({ documents: ['freshchat.yaml'], webhooks: true }));
