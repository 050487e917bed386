/**
 * Append benchmark: N swap-like records through LedgerWriter (encoding, hash chain, batching) into a SQLite file.
 * Run: npx tsx packages/store-sqlite/bench/append.ts [records] [stations] [batchSize] [--threaded]
 * --threaded: the store on its own thread (ThreadedSqliteLedgerStore), as `doppel run` writes the ledger.
 * Prints one JSON object: {name, records, wall_s, records_per_s, db_bytes, ...}.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendBenchSize, runAppendBenchmark } from '@doppel/twin/testing';
import { SqliteLedgerStore, ThreadedSqliteLedgerStore } from '../src/index.js';

const threaded = process.argv.includes('--threaded');
const dir = mkdtempSync(join(tmpdir(), 'doppel-bench-'));
const path = join(dir, 'ledger.db');
try {
  const store = threaded ? ThreadedSqliteLedgerStore.open(path) : SqliteLedgerStore.open(path);
  const result = await runAppendBenchmark(store, appendBenchSize(process.argv.slice(2)));
  const name = threaded ? 'ledger_append_sqlite_threaded' : 'ledger_append_sqlite';
  console.log(JSON.stringify({ name, ...result, db_bytes: statSync(path).size }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
