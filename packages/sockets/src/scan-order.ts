/**
 * The order of a scan's attempts over the targets × ports space, and its split into shards.
 *
 * Positions 0…size-1 of the order map to elements of the space; element `e` is port
 * `floor(e / hosts)` of host `e % hosts` (port-major: consecutive elements hit different hosts).
 * 'sequential' maps position k to element k; 'random' maps it through a seeded permutation —
 * a Feistel network over the next power of four ≥ size, "cycle-walked" back into range, so the
 * whole order costs O(1) memory and each step O(1) time, however large the space (the approach
 * of masscan's and ZMap's address randomisation, written here from the idea).
 *
 * Shard i of n (1-based) takes positions i-1, i-1+n, i-1+2n …: the shards of one order
 * partition it, so their union is the whole space with no element twice.
 */
export class ScanOrder {
  readonly size: number;
  readonly #random: boolean;
  readonly #halfBits: number;
  readonly #halfMask: number;
  readonly #keys: Uint32Array;

  constructor(size: number, order: 'sequential' | 'random', seed: number) {
    this.size = size;
    this.#random = order === 'random';
    let bits = 2;
    while (2 ** bits < size) bits += 2;
    this.#halfBits = bits / 2;
    this.#halfMask = 2 ** this.#halfBits - 1;
    // Four round keys from the seed (splitmix-style mixing), so nearby seeds differ everywhere.
    this.#keys = new Uint32Array(4);
    let state = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      state = (state + 0x9e37_79b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85eb_ca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2_ae35) >>> 0;
      this.#keys[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** The element at position `k` (0 ≤ k < size). */
  at(k: number): number {
    if (!this.#random) return k;
    let x = this.#permute(k);
    // Cycle-walking: the permutation of the power-of-four domain, restricted to [0, size).
    while (x >= this.size) x = this.#permute(x);
    return x;
  }

  #permute(x: number): number {
    const half = 2 ** this.#halfBits;
    let left = Math.floor(x / half);
    let right = x % half;
    for (let round = 0; round < 4; round++) {
      const next = (left ^ this.#round(right, this.#keys[round]!)) & this.#halfMask;
      left = right;
      right = next;
    }
    return left * half + right;
  }

  #round(value: number, key: number): number {
    let h = Math.imul(value ^ key, 0x27d4_eb2d) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x1656_67b1) >>> 0;
    return (h ^ (h >>> 13)) >>> 0;
  }
}

/** The positions of one shard: `first`, `first + step`, … below `size`. */
export interface ShardRange {
  first: number;
  step: number;
  /** How many positions the shard has. */
  count: number;
}

export function shardRange(
  size: number,
  shard: { index: number; count: number } | undefined,
): ShardRange {
  if (!shard) return { first: 0, step: 1, count: size };
  const first = shard.index - 1;
  const count = first >= size ? 0 : Math.ceil((size - first) / shard.count);
  return { first, step: shard.count, count };
}
