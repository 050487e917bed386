import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LEDGER_BLOCK_SIZE } from '@doppel/twin';
import { describeLedgerStoreConformance } from '@doppel/twin/testing';
import { SqliteLedgerStore, ThreadedSqliteLedgerStore } from '../src/index.js';
import { INDEX_SPAN } from '../src/schema.js';

describeLedgerStoreConformance('SqliteLedgerStore (file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'doppel-sqlite-'));
  const path = join(dir, 'ledger.db');
  const store = SqliteLedgerStore.open(path);
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
    // Edits one record's stored text through a second connection, as someone with access to the file could.
    tamper: async (simId, seq) => {
      const db = new Database(path);
      try {
        const simKey = db.prepare('SELECT sim_key FROM simulations WHERE sim_id = ?').pluck().get(simId) as number;
        const id = simKey * INDEX_SPAN + Math.floor((seq - 1) / LEDGER_BLOCK_SIZE);
        const body = db.prepare('SELECT body FROM ledger WHERE id = ?').pluck().get(id) as string;
        const texts = body.split('\n');
        const position = (seq - 1) % LEDGER_BLOCK_SIZE;
        texts[position] = texts[position].replace('"station_', '"statiox_');
        db.prepare('UPDATE ledger SET body = ? WHERE id = ?').run(texts.join('\n'), id);
      } finally {
        db.close();
      }
    },
  };
});

describeLedgerStoreConformance('SqliteLedgerStore (:memory:)', async () => {
  const store = SqliteLedgerStore.open(':memory:');
  return { store, cleanup: () => store.close() };
});

describeLedgerStoreConformance('ThreadedSqliteLedgerStore (file, store thread)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'doppel-sqlite-thread-'));
  const store = ThreadedSqliteLedgerStore.open(join(dir, 'ledger.db'), { maxInFlight: 2 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
