import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, LEDGER_BLOCK_SIZE, sha256Hex } from '../src/index.js';
import { LedgerHasher } from '../src/ledger/index.js';

/** The chain rule written out naively, as an independent oracle. */
function referenceHead(texts: readonly string[]): string {
  let hash = GENESIS_HASH;
  for (let start = 0; start < texts.length; start += LEDGER_BLOCK_SIZE) {
    hash = sha256Hex(hash + texts.slice(start, start + LEDGER_BLOCK_SIZE).join('\n'));
  }
  return hash;
}

const texts = (n: number): string[] => Array.from({ length: n }, (_, i) => `[${i + 1},0,"a","X",null,null,null,"sim"]`);

describe('LedgerHasher', () => {
  it('starts at the genesis hash', () => {
    expect(new LedgerHasher().head()).toEqual({ seq: 0, hash: GENESIS_HASH });
  });

  it.each([1, 255, 256, 257, 512, 1000])('matches the naive chain for %i records', (n) => {
    const hasher = new LedgerHasher();
    for (const text of texts(n)) hasher.add(text);
    expect(hasher.head()).toEqual({ seq: n, hash: referenceHead(texts(n)) });
  });

  it('seals one block per LEDGER_BLOCK_SIZE records, chained, each handed out once', () => {
    const hasher = new LedgerHasher();
    const all = texts(3 * LEDGER_BLOCK_SIZE + 10);
    all.slice(0, 300).forEach((text) => hasher.add(text));
    const first = hasher.takeSealed();
    expect(first.map((block) => block.index)).toEqual([0]);
    expect(hasher.takeSealed()).toEqual([]);
    all.slice(300).forEach((text) => hasher.add(text));
    const blocks = [...first, ...hasher.takeSealed()];
    expect(blocks.map((b) => [b.index, b.firstSeq, b.lastSeq])).toEqual([
      [0, 1, 256],
      [1, 257, 512],
      [2, 513, 768],
    ]);
    expect(blocks[0].prevHash).toBe(GENESIS_HASH);
    expect(blocks[1].prevHash).toBe(blocks[0].hash);
    expect(blocks[2].hash).toBe(referenceHead(all.slice(0, 768)));
  });

  it('restores from the last sealed block and the tail to the same state', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1200 }), fc.integer({ min: 0, max: 300 }), (n, more) => {
        const all = texts(n + more);
        const full = new LedgerHasher();
        all.slice(0, n).forEach((text) => full.add(text));
        const sealedCount = Math.floor(n / LEDGER_BLOCK_SIZE);
        const restored = LedgerHasher.restore(full.lastSealed, all.slice(sealedCount * LEDGER_BLOCK_SIZE, n));
        expect(restored.head()).toEqual(full.head());
        all.slice(n).forEach((text) => {
          full.add(text);
          restored.add(text);
        });
        expect(restored.head()).toEqual(full.head());
        expect(restored.head().hash).toBe(referenceHead(all));
      }),
      { numRuns: 50 },
    );
  });

  it('refuses a tail longer than a block', () => {
    expect(() => LedgerHasher.restore(null, texts(LEDGER_BLOCK_SIZE))).toThrow(
      expect.objectContaining({ code: 'DOPPEL_ERR_LEDGER_CORRUPT' }),
    );
  });
});
