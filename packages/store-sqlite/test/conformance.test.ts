import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeLedgerStoreConformance } from '@doppel/twin/testing';
import { SqliteLedgerStore } from '../src/index.js';
import { SEQ_SPAN } from '../src/schema.js';

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
    // Edits the stored text through a second connection, as an attacker with file access would.
    tamper: async (simId, seq) => {
      const db = new Database(path);
      try {
        const simKey = db.prepare('SELECT sim_key FROM simulations WHERE sim_id = ?').pluck().get(simId) as number;
        const changed = db
          .prepare(`UPDATE ledger SET body = replace(body, '"station_', '"statiox_') WHERE id = ?`)
          .run(simKey * SEQ_SPAN + seq).changes;
        if (changed !== 1) throw new Error(`no record ${seq} to tamper with`);
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
