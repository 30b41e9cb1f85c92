import { invalidArgType, invalidArgValue, type ArgumentError } from '../invalid-argument.js';

/**
 * Levenshtein distance, capped: a suggestion further than a few edits away helps nobody, so the
 * loop stops early once every cell of a row exceeds `cap`.
 */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > cap) return cap + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The known key closest to `key` (case-insensitive edit distance, at most a third of its length
 * and at least 2), or undefined when none is close.
 */
export function closestKey(key: string, known: Iterable<string>): string | undefined {
  const lower = key.toLowerCase();
  const cap = Math.max(2, Math.floor(key.length / 3));
  let best: string | undefined;
  let bestDistance = cap + 1;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase(), cap);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Checks that `value` is an options object (or undefined) whose own keys are all in `known`.
 * An unknown key is a TypeError ERR_INVALID_ARG_VALUE naming the closest known key, so a typo
 * (`timout`, `idempotencykey`) fails loudly instead of silently doing nothing.
 *
 * Keys whose value is `undefined` are checked too: `{ timout: undefined }` is still a typo.
 *
 * @returns the object (an empty one for undefined), typed as the caller's options.
 */
export function checkOptionKeys<T extends object>(
  name: string,
  value: unknown,
  known: readonly string[] | ReadonlySet<string>,
): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgType(name, 'of type object', value);
  }
  const knownSet: ReadonlySet<string> = known instanceof Set ? known : new Set(known);
  for (const key of Object.keys(value)) {
    if (!knownSet.has(key)) throw unknownOptionKey(name, key, knownSet);
  }
  return value;
}

/** The TypeError for one unknown key, with a suggestion when one is close. */
export function unknownOptionKey(
  name: string,
  key: string,
  known: Iterable<string>,
): TypeError & ArgumentError {
  const suggestion = closestKey(key, known);
  const shown = JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
  return invalidArgValue(
    name,
    `Unknown option ${shown}.${suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`}`,
  );
}
