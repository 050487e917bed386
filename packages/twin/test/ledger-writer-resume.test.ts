import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEDGER_BLOCK_SIZE, type JsonObject } from '../src/index.js';
import { LedgerWriter } from '../src/ledger/index.js';

/** Deterministic synthetic record i (1-based); `variant` changes its values, `type` its event type. */
function write(writer: LedgerWriter, i: number, options: { variant?: number; type?: string } = {}): void {
  const newValue: JsonObject = { queue: (i * 3 + (options.variant ?? 0)) % 5, soc: (i % 100) / 100 };
  const type = options.type ?? (i % 3 === 0 ? 'SWAP_COMPLETED' : 'QUEUE_INCREMENT');
  writer.append(Math.floor(i / 10), `station_${i % 7}`, type, null, newValue, null, 'sim');
}

function writeAll(writer: LedgerWriter, n: number): void {
  for (let i = 1; i <= n; i++) write(writer, i);
}

/** A writer that hashed the first n records from scratch: the oracle for a resumed one. */
function fresh(n: number): LedgerWriter {
  const writer = new LedgerWriter({ simId: 's' });
  writeAll(writer, n);
  return writer;
}

describe('LedgerWriter resume', () => {
  it('resumes hashing at a block before t and ends with the head of a writer that hashed everything (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 * LEDGER_BLOCK_SIZE }), fc.nat(400), (total, tRaw) => {
        const source = fresh(total);
        const t = tRaw / 2;
        const resume = source.resumeAt(t);
        // The records at or before t (sim time = floor(i / 10)), what a re-execution up to t appends again.
        const upTo = Math.min(total, 10 * Math.floor(t) + 9);
        const resumed = new LedgerWriter({ simId: 's', resume });
        writeAll(resumed, upTo);
        expect(resumed.head()).toEqual(fresh(upTo).head());
        if (resume !== null) {
          const resumeSeq = resume.marks.length * LEDGER_BLOCK_SIZE;
          // At least one whole block before t is hashed again.
          expect(upTo - resumeSeq).toBeGreaterThanOrEqual(LEDGER_BLOCK_SIZE);
        } else {
          expect(upTo).toBeLessThan(2 * LEDGER_BLOCK_SIZE + 10);
        }
        // The resumed writer keeps the whole chain, so it can be resumed from in turn.
        const again = new LedgerWriter({ simId: 's', resume: resumed.resumeAt(t) });
        writeAll(again, upTo);
        expect(again.head()).toEqual(resumed.head());
      }),
      { numRuns: 60 },
    );
  });

  it('resumeAt offers only blocks whose records all lie at or before t, less the last one', () => {
    const source = fresh(10 * LEDGER_BLOCK_SIZE);
    // Block k ends with record 256(k+1), at sim time floor(25.6(k+1)): 25, 51, 76, ...
    expect(source.resumeAt(50.9)).toBeNull();
    expect(source.resumeAt(51)?.marks.length).toBe(1);
    expect(source.resumeAt(75.9)?.marks.length).toBe(1);
    expect(source.resumeAt(76)?.marks.length).toBe(2);
    expect(source.resumeAt(1e9)?.marks.length).toBe(9);
    expect(source.resumeAt(1e9)?.marks.map((m) => m.block.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('refuses a re-execution whose skipped block ends differ, or that stops before the resume seq', () => {
    const source = fresh(6 * LEDGER_BLOCK_SIZE);
    const resume = source.resumeAt(1e9);
    expect(resume?.marks.length).toBe(5);

    const otherType = new LedgerWriter({ simId: 's', resume });
    for (let i = 1; i <= 6 * LEDGER_BLOCK_SIZE; i++) {
      write(otherType, i, i === 2 * LEDGER_BLOCK_SIZE ? { type: 'OTHER' } : {});
    }
    expect(() => otherType.head()).toThrow(expect.objectContaining({ code: 'DOPPEL_ERR_LEDGER_CORRUPT' }));
    expect(() => otherType.checkResumed()).toThrow(expect.objectContaining({ code: 'DOPPEL_ERR_LEDGER_CORRUPT' }));

    const short = new LedgerWriter({ simId: 's', resume });
    writeAll(short, 5 * LEDGER_BLOCK_SIZE - 1);
    expect(short.seq).toBe(5 * LEDGER_BLOCK_SIZE - 1);
    expect(() => short.checkResumed()).toThrow(expect.objectContaining({ code: 'DOPPEL_ERR_LEDGER_CORRUPT' }));

    // Values inside the skipped blocks are not compared (the trade-off); values after them are, by the head.
    const otherValue = new LedgerWriter({ simId: 's', resume });
    for (let i = 1; i <= 6 * LEDGER_BLOCK_SIZE; i++)
      write(otherValue, i, { variant: i === 5 * LEDGER_BLOCK_SIZE + 3 ? 1 : 0 });
    expect(() => otherValue.checkResumed()).not.toThrow();
    expect(otherValue.head().hash).not.toBe(source.head().hash);
  });

  it('keeps time from going back while counting, and refuses marks that do not start at block 0', () => {
    const resume = fresh(3 * LEDGER_BLOCK_SIZE).resumeAt(1e9);
    const writer = new LedgerWriter({ simId: 's', resume });
    writer.append(10, 'a', 'X', null, null, null, 'sim');
    expect(() => writer.append(9, 'a', 'X', null, null, null, 'sim')).toThrow(
      expect.objectContaining({ code: 'DOPPEL_ERR_LEDGER_CORRUPT' }),
    );
    const marks = resume?.marks.slice(1) ?? [];
    expect(() => new LedgerWriter({ simId: 's', resume: { marks } })).toThrow(
      expect.objectContaining({ code: 'DOPPEL_ERR_INVALID_ARGUMENTS' }),
    );
  });

  it('reset forgets the chain', () => {
    const writer = fresh(4 * LEDGER_BLOCK_SIZE);
    expect(writer.resumeAt(1e9)).not.toBeNull();
    writer.reset();
    expect(writer.resumeAt(1e9)).toBeNull();
  });
});
