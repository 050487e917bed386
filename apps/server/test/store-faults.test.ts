import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Catalog } from '@doppel/catalog';
import { SqliteLedgerStore } from '@doppel/store-sqlite';
import { LedgerHasher, type LedgerEvent } from '@doppel/twin';
import { appendInBatches, expectedHeadHash, syntheticLedger, testSimulationRecord } from '@doppel/twin/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { storageError } from '../src/storage-errors.js';

const dir = mkdtempSync(join(tmpdir(), 'doppel-store-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Real SQLite files whose disk fills after `pages` more pages: SQLite's pager refuses the write (SQLITE_FULL). */
function fillAfter(db: Database.Database, pages: number): void {
  const used = Number(db.pragma('page_count', { simple: true }));
  db.pragma(`max_page_count = ${used + pages}`);
}

function integrity(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

/** The typed error the server answers a refused write with (507 for a full disk), naming the file. */
function expectTypedFull(error: unknown, path: string): void {
  const typed = storageError(error, path, 'write');
  expect(typed.code).toBe('DOPPEL_ERR_STORAGE_FULL');
  expect(typed.message).toContain(path);
}

describe('stores under a disk that fills after N more pages, for every N', () => {
  it('ledger store: every acknowledged batch is kept whole, a refused one leaves nothing', async () => {
    const records = syntheticLedger(6_000);
    for (let pages = 1; pages <= 12; pages++) {
      const path = join(dir, `ledger-${pages}.sqlite`);
      const store = SqliteLedgerStore.open(path);
      await store.createSimulation(testSimulationRecord('s'));
      fillAfter(store.db, pages);
      const acknowledged: LedgerEvent[] = [];
      const hasher = new LedgerHasher();
      let refused: unknown = null;
      for (let from = 0; from < records.length && refused === null; from += 300) {
        const batch = records.slice(from, from + 300);
        try {
          await appendInBatches(store, 's', batch, [batch.length], hasher);
          acknowledged.push(...batch);
        } catch (error) {
          refused = error;
        }
      }
      expect(refused, `${pages} pages`).not.toBeNull();
      expectTypedFull(refused, path);
      await store.close();
      // Reopened with space again: intact, holding exactly the acknowledged batches.
      expect(integrity(path)).toBe('ok');
      const reopened = SqliteLedgerStore.open(path);
      try {
        expect((await reopened.head('s')).seq).toBe(acknowledged.length);
        if (acknowledged.length > 0) expect((await reopened.head('s')).hash).toBe(expectedHeadHash(acknowledged));
        expect((await reopened.verify('s')).ok).toBe(true);
      } finally {
        await reopened.close();
      }
    }
  }, 60_000);

  it('catalog: every acknowledged account is kept, a refused one leaves nothing', async () => {
    for (let pages = 1; pages <= 8; pages++) {
      const dataDir = join(dir, `catalog-${pages}`);
      const catalog = Catalog.open(dataDir);
      const path = join(dataDir, 'catalog.sqlite');
      fillAfter(catalog.sqlite!, pages);
      const acknowledged: string[] = [];
      let refused: unknown = null;
      for (let n = 0; n < 2_000 && refused === null; n++) {
        try {
          await catalog.createAccount(`account-${n}-${'x'.repeat(200)}`);
          acknowledged.push(`account-${n}-${'x'.repeat(200)}`);
        } catch (error) {
          refused = error;
        }
      }
      expect(refused, `${pages} pages`).not.toBeNull();
      expectTypedFull(refused, path);
      await catalog.close();
      expect(integrity(path)).toBe('ok');
      const reopened = Catalog.open(dataDir);
      try {
        const names = (await reopened.listAccounts()).map((account) => account.name);
        expect(names.filter((name) => name.startsWith('account-')).sort()).toEqual([...acknowledged].sort());
        // Space returned: writes work again.
        await reopened.createAccount('after');
      } finally {
        await reopened.close();
      }
    }
  }, 60_000);
});
