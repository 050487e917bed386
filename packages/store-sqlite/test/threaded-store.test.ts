import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerWriter, TwinError, encodeLedgerEvent } from '@doppel/twin';
import { syntheticLedger, testSimulationRecord } from '@doppel/twin/testing';
import { SqliteLedgerStore, ThreadedSqliteLedgerStore } from '../src/index.js';

describe('ThreadedSqliteLedgerStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'doppel-sqlite-thread-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the same file an inline store writes, through a writer that never waits, with one batch in flight', async () => {
    const records = syntheticLedger(20_000, { assets: 40 });
    const path = join(dir, 'ledger.db');
    const threaded = ThreadedSqliteLedgerStore.open(path, { maxInFlight: 1 });
    await threaded.createSimulation(testSimulationRecord('s'));
    const writer = new LedgerWriter({ simId: 's', store: threaded, batchSize: 500 });
    for (const r of records) writer.append(r.simTime, r.assetId, r.eventType, r.oldValue, r.newValue, r.meta, r.origin);
    await writer.flush();
    await threaded.close();

    const inline = SqliteLedgerStore.open(path);
    try {
      expect(await inline.head('s')).toEqual(writer.head());
      expect((await inline.verify('s')).ok).toBe(true);
      const stored = await inline.query({ simId: 's', assetId: 'station_07', limit: 100_000 });
      expect(stored.length).toBeGreaterThan(100);
      expect(stored.map(encodeLedgerEvent)).toEqual(
        records.filter((r) => r.assetId === 'station_07').map(encodeLedgerEvent),
      );
    } finally {
      await inline.close();
    }
  });

  it('rejects with the store error, code and details intact, and goes on serving', async () => {
    const store = ThreadedSqliteLedgerStore.open(join(dir, 'ledger.db'));
    try {
      await store.createSimulation(testSimulationRecord('s'));
      const [first, second] = syntheticLedger(2);
      const gap = store.append('s', [{ ...second, seq: 5 }], []);
      await expect(gap).rejects.toBeInstanceOf(TwinError);
      await expect(gap).rejects.toMatchObject({ code: 'DOPPEL_ERR_LEDGER_GAP', details: { expected: 1, found: 5 } });
      await store.append('s', [first], []);
      expect((await store.head('s')).seq).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('indexes asset ids and event types that need escaping in JSON', async () => {
    const store = ThreadedSqliteLedgerStore.open(join(dir, 'ledger.db'));
    try {
      await store.createSimulation(testSimulationRecord('s'));
      const odd = 'bay "7" \\ north, 2';
      const records = syntheticLedger(300).map((r, i) => (i % 3 === 0 ? { ...r, assetId: odd, eventType: 'A\tB' } : r));
      const writer = new LedgerWriter({ simId: 's', store, batchSize: 64 });
      for (const r of records)
        writer.append(r.simTime, r.assetId, r.eventType, r.oldValue, r.newValue, r.meta, r.origin);
      await writer.flush();
      const stored = await store.query({ simId: 's', assetId: odd, eventTypes: ['A\tB'] });
      expect(stored.map(encodeLedgerEvent)).toEqual(records.filter((r) => r.assetId === odd).map(encodeLedgerEvent));
      expect(stored.length).toBe(100);
    } finally {
      await store.close();
    }
  });

  it('reports a file it cannot open on the first call, without a crash', async () => {
    const store = ThreadedSqliteLedgerStore.open(join(dir, 'no-such-dir', 'ledger.db'));
    try {
      await expect(store.listSimulations()).rejects.toThrow(/directory does not exist/);
    } finally {
      await store.close();
    }
  });

  it('refuses calls once closed', async () => {
    const store = ThreadedSqliteLedgerStore.open(join(dir, 'ledger.db'));
    await store.close();
    await expect(store.listSimulations()).rejects.toMatchObject({ code: 'DOPPEL_ERR_INVALID_STATE' });
  });
});
