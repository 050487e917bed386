import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerWriter, encodeLedgerEvent } from '@doppel/twin';
import { appendInBatches, expectedHeadHash, syntheticLedger, testSimulationRecord } from '@doppel/twin/testing';
import { SCHEMA_VERSION, SqliteLedgerStore } from '../src/index.js';

describe('SqliteLedgerStore specifics', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'doppel-sqlite-'));
    path = join(dir, 'ledger.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps everything across close and reopen', async () => {
    const records = syntheticLedger(3000);
    const first = SqliteLedgerStore.open(path);
    await first.createSimulation(testSimulationRecord('s'));
    const writer = new LedgerWriter({ simId: 's', store: first, batchSize: 1000 });
    for (const r of records) writer.append(r.simTime, r.assetId, r.eventType, r.oldValue, r.newValue, r.meta, r.origin);
    await writer.flush();
    await first.close();

    const second = SqliteLedgerStore.open(path);
    try {
      expect(await second.head('s')).toEqual(writer.head());
      expect((await second.verify('s')).ok).toBe(true);
      const q = await second.query({ simId: 's', assetId: 'station_03', eventTypes: ['SWAP_COMPLETED'] });
      const expected = records.filter((r) => r.assetId === 'station_03' && r.eventType === 'SWAP_COMPLETED');
      expect(q.map(encodeLedgerEvent)).toEqual(expected.map(encodeLedgerEvent));
    } finally {
      await second.close();
    }
  });

  it('finds names another connection added after it opened', async () => {
    const reader = SqliteLedgerStore.open(path);
    const writer = SqliteLedgerStore.open(path);
    try {
      await writer.createSimulation(testSimulationRecord('s'));
      const records = syntheticLedger(50, { assets: 3 });
      await appendInBatches(writer, 's', records, [50]);
      expect((await reader.query({ simId: 's', assetId: 'station_02' })).length).toBe(
        records.filter((r) => r.assetId === 'station_02').length,
      );
      // And the reader can append names the writer already interned.
      await reader.createSimulation(testSimulationRecord('t'));
      await appendInBatches(reader, 't', records, [10]);
      expect((await writer.head('t')).hash).toBe(expectedHeadHash(records));
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it('records its schema version and refuses a newer file', async () => {
    const store = SqliteLedgerStore.open(path, { synchronous: 'full' });
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    await store.close();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => SqliteLedgerStore.open(path)).toThrow(expect.objectContaining({ code: 'DOPPEL_ERR_INVALID_STATE' }));
  });

  it('rejects encoded texts that do not belong to the records', async () => {
    const store = SqliteLedgerStore.open(':memory:');
    try {
      await store.createSimulation(testSimulationRecord('s'));
      const records = syntheticLedger(5);
      const shifted = records.map((_, i) => encodeLedgerEvent(records[Math.min(i + 1, 4)]));
      await expect(store.append('s', records, [], shifted)).rejects.toMatchObject({
        code: 'DOPPEL_ERR_LEDGER_CORRUPT',
      });
      expect((await store.head('s')).seq).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('verify reports an open block that does not chain to the sealed blocks', async () => {
    const store = SqliteLedgerStore.open(path);
    try {
      await store.createSimulation(testSimulationRecord('s'));
      await appendInBatches(store, 's', syntheticLedger(300), [300]);
      store.db.prepare('UPDATE ledger SET prev_hash = ? WHERE hash IS NULL').run('e'.repeat(64));
      const result = await store.verify('s');
      expect(result.ok).toBe(false);
      expect(result.problems.join(' ')).toMatch(/open block 1/);
    } finally {
      await store.close();
    }
  });
});
