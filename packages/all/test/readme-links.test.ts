import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { publishablePackages } from './tarball-project.js';

/**
 * A package README is shown on the registry's package page, where a relative link such as
 * `../errors/README.md` leads nowhere: links must be absolute (or in-page anchors).
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Targets of markdown links `[text](target)` and reference definitions `[id]: target`. */
function linkTargets(markdown: string): string[] {
  const inline = [...markdown.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(
    (m) => m[1]!,
  );
  const references = [...markdown.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map(
    (m) => m[1]!,
  );
  return [...inline, ...references];
}

describe('package READMEs', () => {
  it.each(publishablePackages(root).map((p) => p.short))(
    'packages/%s/README.md links only to absolute URLs or anchors',
    (short) => {
      const readme = readFileSync(join(root, 'packages', short, 'README.md'), 'utf8');
      const relative = linkTargets(readme).filter((target) => !/^(https?:|mailto:|#)/.test(target));
      expect(relative).toEqual([]);
    },
  );

  it('finds relative links when there are some', () => {
    expect(
      linkTargets('see [errors](../errors/README.md) and [x](https://a.example/)\n[y]: ./y.md\n'),
    ).toEqual(['../errors/README.md', 'https://a.example/', './y.md']);
  });
});
