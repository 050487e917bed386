/**
 * Append benchmark: N swap-like records through LedgerWriter (encoding, hash chain, batching) into PostgreSQL
 * (COPY per batch), in a schema of its own that is dropped afterwards.
 * Run: npx tsx --conditions=@doppel/source packages/store-postgres/bench/append.ts [records] [stations] [batchSize]
 * PostgreSQL: DOPPEL_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).
 * Prints one JSON object: {name, records, wall_s, records_per_s, cpu_s, ...}; wall_s includes the final flush.
 */
import pg from 'pg';
import { appendBenchSize, runAppendBenchmark } from '@doppel/twin/testing';
import { PostgresLedgerStore } from '../src/index.js';

const url = process.env.DOPPEL_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `doppel_bench_${process.pid}`;
try {
  const store = await PostgresLedgerStore.open({ url, schema });
  const result = await runAppendBenchmark(store, appendBenchSize(process.argv.slice(2)));
  console.log(JSON.stringify({ name: 'ledger_append_postgres', ...result }));
} finally {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}
