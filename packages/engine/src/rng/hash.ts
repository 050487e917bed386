// Seed derivation for named streams. Everything here is integer arithmetic on BigInt, so a (run seed, name) pair maps
// to the same generator state on every platform. It runs once per stream, never per draw.

const MASK64 = (1n << 64n) - 1n;
const FNV_OFFSET_64 = 0xcbf29ce484222325n;
const FNV_PRIME_64 = 0x100000001b3n;

/** UTF-8 bytes of a string, encoded by hand: the engine has no DOM/Node globals such as TextEncoder. */
export function utf8Bytes(text: string): number[] {
  const bytes: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return bytes;
}

/** FNV-1a, 64-bit, over the UTF-8 bytes of `text`. */
export function fnv1a64(text: string): bigint {
  let h = FNV_OFFSET_64;
  for (const b of utf8Bytes(text)) {
    h ^= BigInt(b);
    h = (h * FNV_PRIME_64) & MASK64;
  }
  return h;
}

/** SplitMix64 finaliser: a bijective avalanche mixer on 64-bit values. */
export function mix64(value: bigint): bigint {
  let z = (value + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** Four 32-bit words from a 64-bit key, by running SplitMix64 as a generator (the seeding recipe of xoshiro). */
export function expandKey(key: bigint): [number, number, number, number] {
  const first = mix64(key);
  const second = mix64((key + 0x9e3779b97f4a7c15n) & MASK64);
  return [Number(first & 0xffffffffn), Number(first >> 32n), Number(second & 0xffffffffn), Number(second >> 32n)];
}

export function toUint64(value: bigint): bigint {
  return BigInt.asUintN(64, value);
}
