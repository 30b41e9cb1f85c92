import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { publishablePackages } from './tarball-project.js';

/** What the registry shows and what a tarball must carry, for every publishable package. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const license = readFileSync(join(root, 'LICENSE'), 'utf8');

describe('publishable package metadata', () => {
  it.each(publishablePackages(root).map((p) => p.short))('packages/%s', (short) => {
    const dir = join(root, 'packages', short);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.license).toBe('MIT');
    expect(existsSync(join(dir, 'LICENSE')), 'LICENSE file').toBe(true);
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toBe(license);
    expect(pkg.keywords?.length, 'keywords').toBeGreaterThan(0);
    expect(pkg.repository).toEqual({
      type: 'git',
      url: 'git+https://github.com/net-toolkit/net.git',
      directory: `packages/${short}`,
    });
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs?.url).toMatch(/^https:\/\//);
    expect(pkg.description?.length, 'description').toBeGreaterThan(0);
    expect(pkg.engines?.node).toBe('>=20.19');
    expect(pkg.publishConfig?.access).toBe('public');
  });

  it('the root LICENSE is MIT for the @net authors', () => {
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the @net authors\n/);
  });
});
