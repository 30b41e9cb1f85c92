import { createRequire } from 'node:module';

/** The package's version (the same relative path from src/ and dist/). */
export const version = (createRequire(import.meta.url)('../package.json') as { version: string })
  .version;
