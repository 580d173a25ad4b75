// Seeded pseudo-random numbers: xoshiro128** (32-bit state words, fast in JS) seeded via
// splitmix32, 53-bit uniform doubles, Box-Muller normals.

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * An independent, reproducible random stream. `generator(seed)` makes one; the global one is
 * reseeded by `seed(n)`. Creation functions take it as `{generator}`.
 * @example const g = generator(42); g.uniform(); randn([3], { generator: g });
 */
export class Generator {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private spare: number | null = null;

  constructor(seed = 0) {
    this.reseed(seed);
  }

  /** Restart the stream from `seed`. @example g.reseed(1) */
  reseed(seed: number): void {
    if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
    const sm = splitmix32(Math.floor(seed) ^ Math.floor(seed / 4294967296));
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
    this.spare = null;
  }

  /** Next raw 32-bit unsigned integer. @example g.nextUint32() */
  nextUint32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** Uniform double in [0, 1) with 53 random bits. @example generator(0).uniform() < 1 // true */
  uniform(): number {
    const hi = this.nextUint32() >>> 5,
      lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal sample (Box-Muller, caching the second value). @example generator(0).normal() */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [low, high). @example generator(0).integer(0, 10) */
  integer(low: number, high: number): number {
    if (!(high > low)) throw new Error(`integer: need high > low, got [${low}, ${high})`);
    return low + Math.floor(this.uniform() * (high - low));
  }

  /** A random permutation of 0..n-1 (Fisher-Yates). @example generator(0).permutation(5) */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    return this.shuffle(p);
  }

  /** Shuffle an array in place and return it. @example generator(1).shuffle([1, 2, 3]) */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const tmp = arr[i];
      arr[i] = arr[j];
      arr[j] = tmp;
    }
    return arr;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

let globalGen = new Generator(0);

/**
 * Reseed the global generator (used when no `{generator}` is passed).
 * @example seed(42); const a = randn([2]); seed(42); randn([2]) // same values as a
 */
export function seed(n: number): void {
  globalGen = new Generator(n);
}

/**
 * The global generator.
 * @example globalGenerator().uniform()
 */
export function globalGenerator(): Generator {
  return globalGen;
}
