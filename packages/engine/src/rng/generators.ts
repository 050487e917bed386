// The two generators. Both produce 32-bit outputs with integer-only arithmetic and build a 53-bit double from two of
// them, so every platform yields the same bits.
import { BaseRandomStream, type RngAlgorithm } from './stream.js';

const INV_2_53 = 1 / 9007199254740992;

/**
 * SFC32 (Chris Doty-Humphrey). With `forSeed` it follows the benchmark specification bit for bit: fixed a, b, c,
 * d = seed, twelve outputs discarded.
 */
export class Sfc32Stream extends BaseRandomStream {
  readonly algorithm: RngAlgorithm = 'sfc32';
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(name: string, a: number, b: number, c: number, d: number) {
    super(name);
    this.a = a >>> 0;
    this.b = b >>> 0;
    this.c = c >>> 0;
    this.d = d >>> 0;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  static forSeed(seed: number, name: string): Sfc32Stream {
    return new Sfc32Stream(name, 0x9e3779b9, 0x243f6a88, 0xb7e15162, seed & 0xffffffff);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  random(): number {
    const x = this.nextUint32() >>> 5;
    const y = this.nextUint32() >>> 6;
    return (x * 67108864 + y) * INV_2_53;
  }
}

/**
 * The default generator: xoshiro128** 1.1 (Blackman and Vigna, 2018), 128-bit state, period 2^128 - 1, passes
 * BigCrush; 32-bit multiply and rotate only, which JavaScript does fast (Math.imul).
 */
export class Xoshiro128Stream extends BaseRandomStream {
  readonly algorithm: RngAlgorithm = 'default';
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(name: string, s0: number, s1: number, s2: number, s3: number) {
    super(name);
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  nextUint32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result >>> 0;
  }

  random(): number {
    const x = this.nextUint32() >>> 5;
    const y = this.nextUint32() >>> 6;
    return (x * 67108864 + y) * INV_2_53;
  }
}
