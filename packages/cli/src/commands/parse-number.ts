import { InvalidArgumentError } from 'commander';

/** A commander parser for whole numbers within a range (ports, counts, milliseconds). */
export function integerIn(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/**
 * Milliseconds for a `--timeout`-style flag. `0` means no limit, as the `timeout` options of
 * every @net package do; the library resolves it, so the CLI and the API mean the same thing.
 */
export const milliseconds = integerIn(0, 2_147_483_647);

/** Collects a repeatable option (`-H a -H b`) into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
