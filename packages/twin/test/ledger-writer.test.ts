import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject, LedgerEvent, SimulationRecord } from '../src/index.js';
import { LedgerHasher, LedgerWriter, MemoryLedgerStore, encodeLedgerEvent } from '../src/ledger/index.js';

const simRecord = (simId: string): SimulationRecord => ({
  simId,
  name: simId,
  pack: 'swap',
  scenarioSha256: 'f'.repeat(64),
  scenarioJson: '{}',
  seed: 1,
  parentSimId: null,
  forkSeq: null,
  createdAt: '2026-01-01T00:00:00.000Z',
});

/** Deterministic synthetic record i (1-based); `variant` changes the values after a branch point. */
function write(writer: LedgerWriter, i: number, variant = 0): LedgerEvent {
  const station = `station_${i % 7}`;
  const newValue: JsonObject = { queue: (i * 3 + variant) % 5, soc: (i % 100) / 100 };
  return writer.append(i * 2, station, i % 3 === 0 ? 'SWAP_COMPLETED' : 'QUEUE_INCREMENT', null, newValue, null, 'sim');
}

function oracleHead(records: readonly LedgerEvent[]): string {
  const hasher = new LedgerHasher();
  for (const record of records) hasher.add(encodeLedgerEvent(record));
  return hasher.head().hash;
}

async function storeWith(...simIds: string[]): Promise<MemoryLedgerStore> {
  const store = new MemoryLedgerStore();
  for (const simId of simIds) await store.createSimulation(simRecord(simId));
  return store;
}

describe('LedgerWriter', () => {
  it('assigns gap-free seqs and returns the records', () => {
    const writer = new LedgerWriter({ simId: 's' });
    const records = [1, 2, 3].map((i) => write(writer, i));
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(writer.seq).toBe(3);
    expect(writer.head()).toEqual({ seq: 3, simTime: 6, hash: oracleHead(records) });
  });

  it('hands batches to the store and subscribers in order, without gaps, and flush stores the rest', async () => {
    const store = await storeWith('s');
    const writer = new LedgerWriter({ simId: 's', store, batchSize: 100 });
    const batches: number[][] = [];
    writer.subscribe((records) => batches.push(records.map((r) => r.seq)));
    const written = Array.from({ length: 1050 }, (_, k) => write(writer, k + 1));
    expect(batches.length).toBe(10);
    await writer.flush();
    expect(batches.map((b) => b.length)).toEqual([...Array(10).fill(100), 50]);
    expect(batches.flat()).toEqual(written.map((r) => r.seq));
    expect(await store.head('s')).toEqual(writer.head());
    expect((await store.verify('s')).ok).toBe(true);
  });

  it('gives the same head for any batch size and flush pattern', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 700 }),
        fc.integer({ min: 1, max: 900 }),
        fc.array(fc.integer({ min: 1, max: 900 }), { maxLength: 4 }),
        async (batchSize, n, flushPoints) => {
          const store = await storeWith('s');
          const writer = new LedgerWriter({ simId: 's', store, batchSize });
          const records: LedgerEvent[] = [];
          for (let i = 1; i <= n; i++) {
            records.push(write(writer, i));
            if (flushPoints.includes(i)) await writer.flush();
          }
          await writer.flush();
          expect(writer.head().hash).toBe(oracleHead(records));
          expect(await store.head('s')).toEqual(writer.head());
        },
      ),
      { numRuns: 40 },
    );
  });

  it('stops delivering to an unsubscribed listener', async () => {
    const writer = new LedgerWriter({ simId: 's', batchSize: 2 });
    const seen: number[] = [];
    const off = writer.subscribe((records) => seen.push(...records.map((r) => r.seq)));
    [1, 2, 3].forEach((i) => write(writer, i));
    off();
    await writer.flush();
    expect(seen).toEqual([1, 2]);
  });

  it('rewinds: truncate, reset, silent re-execution of the prefix, then a new future', async () => {
    const store = await storeWith('s');
    const writer = new LedgerWriter({ simId: 's', store, batchSize: 64 });
    for (let i = 1; i <= 1000; i++) write(writer, i);
    await writer.flush();

    const published: number[] = [];
    writer.subscribe((records) => published.push(...records.map((r) => r.seq)));
    await store.truncate('s', 600);
    writer.reset();
    writer.setSilentUntil(600);
    const replayed: LedgerEvent[] = [];
    for (let i = 1; i <= 900; i++) replayed.push(write(writer, i, i > 600 ? 1 : 0));
    await writer.flush();

    expect(published[0]).toBe(601);
    expect(published.length).toBe(300);
    expect(await store.head('s')).toEqual(writer.head());
    expect(writer.head().hash).toBe(oracleHead(replayed));
    expect((await store.verify('s')).ok).toBe(true);
  });

  it('writes a branch after copyPrefix with the same prefix hashes', async () => {
    const store = await storeWith('parent', 'branch');
    const parent = new LedgerWriter({ simId: 'parent', store });
    for (let i = 1; i <= 700; i++) write(parent, i);
    await parent.flush();
    await store.copyPrefix('parent', 'branch', 512);
    const branch = new LedgerWriter({ simId: 'branch', store });
    branch.setSilentUntil(512);
    for (let i = 1; i <= 800; i++) write(branch, i, i > 512 ? 2 : 0);
    await branch.flush();
    expect(await store.head('branch')).toEqual(branch.head());
    expect((await store.verify('branch')).ok).toBe(true);
    const parentRecords = await store.query({ simId: 'parent', limit: 512 });
    expect((await store.query({ simId: 'branch', limit: 512 })).map(encodeLedgerEvent)).toEqual(
      parentRecords.map(encodeLedgerEvent),
    );
  });

  it('refuses time going back and invalid values without consuming a seq', () => {
    const writer = new LedgerWriter({ simId: 's' });
    writer.append(10, 'a', 'X', null, null, null, 'sim');
    expect(() => writer.append(9, 'a', 'X', null, null, null, 'sim')).toThrow(
      expect.objectContaining({ code: 'DOPPEL_ERR_LEDGER_CORRUPT' }),
    );
    expect(() => writer.append(11, 'a', 'X', null, { x: Number.NaN }, null, 'sim')).toThrow(TypeError);
    expect(writer.append(10, 'a', 'X', null, null, null, 'sim').seq).toBe(2);
  });

  it('reports a store failure on flush', async () => {
    const store = new MemoryLedgerStore();
    const writer = new LedgerWriter({ simId: 'missing', store, batchSize: 2 });
    [1, 2, 3].forEach((i) => write(writer, i));
    await expect(writer.flush()).rejects.toMatchObject({ code: 'DOPPEL_ERR_UNKNOWN_SIMULATION' });
  });

  it('refuses a non-positive batch size', () => {
    expect(() => new LedgerWriter({ simId: 's', batchSize: 0 })).toThrow(
      expect.objectContaining({ code: 'DOPPEL_ERR_INVALID_ARGUMENTS' }),
    );
  });
});
