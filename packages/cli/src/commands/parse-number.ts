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

/** Collects a repeatable option (`-H a -H b`) into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
