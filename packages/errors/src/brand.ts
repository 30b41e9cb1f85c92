/**
 * Cross-copy `instanceof`.
 *
 * Two installed copies of `@net/errors` (say, one hoisted and one nested under an old
 * dependency) define two different `ConnectionError` classes. Plain `instanceof` would then
 * say "no" for an error thrown by the other copy. Every class therefore carries a brand,
 * `Symbol.for('@net/errors:<Class>')`, which is global to the realm, and each instance gets
 * the brand of its own class and of every ancestor. `Symbol.hasInstance` checks the brand of
 * the class being asked about only, so sibling classes never match each other.
 */

/** The registry key of a class's brand. */
export function brandFor(className: string): symbol {
  return Symbol.for(`@net/errors:${className}`);
}

/** A constructor that owns a brand (set with `static readonly brand`). */
interface Branded {
  readonly brand?: symbol;
}

/** Marks `instance` with the brand of `constructor` and each branded ancestor. */
export function applyBrands(instance: object, constructor: Function): void {
  for (
    let current: Function | null = constructor;
    current && current !== Error && current !== Function.prototype;
    current = Object.getPrototypeOf(current) as Function | null
  ) {
    if (Object.hasOwn(current, 'brand')) {
      const brand = (current as Branded).brand;
      if (typeof brand === 'symbol') {
        // Non-enumerable, so it never shows in JSON, inspect output or object spreads.
        Object.defineProperty(instance, brand, { value: true, enumerable: false });
      }
    }
  }
}

/**
 * The shared `Symbol.hasInstance`: a class with its own brand matches by brand; a user's
 * subclass without one falls back to the ordinary prototype check.
 */
export function hasBrand(constructor: Function, value: unknown): boolean {
  if (Object.hasOwn(constructor, 'brand')) {
    const brand = (constructor as Branded).brand;
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[brand as symbol] === true
    );
  }
  return Function.prototype[Symbol.hasInstance].call(constructor, value);
}
