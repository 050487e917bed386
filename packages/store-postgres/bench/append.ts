/**
 * Append benchmark: N swap-like records through LedgerWriter (encoding, hash chain, batching) into PostgreSQL
 * (COPY per batch), in a schema of its own that is dropped afterwards.
 * Run: npx tsx --conditions=@doppel/source packages/store-postgres/bench/append.ts [records] [stations] [batchSize]
 * PostgreSQL: DOPPEL_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).
 * Prints one JSON object: {name, records, wall_s, records_per_s, cpu_s, ...}; wall_s includes the final flush.
 */
import pg from 'pg';
import { LedgerWriter, type JsonObject } from '@doppel/twin';
import { PostgresLedgerStore } from '../src/index.js';

const url = process.env.DOPPEL_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `doppel_bench_${process.pid}`;
const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const records = Number(positional[0] ?? 1_000_000);
const stations = Number(positional[1] ?? 1000);
const batchSize = Number(positional[2] ?? 4096);

const EVENT_TYPES = ['QUEUE_INCREMENT', 'SWAP_STARTED', 'SWAP_COMPLETED', 'QUEUE_DECREMENT', 'CHARGE_PROGRESS'];

/** A small deterministic generator (xorshift32), so every run writes the same ledger. */
let state = 0x9e3779b9;
const next = (): number => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
};

async function main(): Promise<void> {
  try {
    const store = await PostgresLedgerStore.open({ url, schema });
    await store.createSimulation({
      simId: 'bench',
      name: 'append benchmark',
      pack: 'swap',
      scenarioSha256: '0'.repeat(64),
      scenarioJson: '{}',
      seed: 1,
      parentSimId: null,
      forkSeq: null,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    const queues = new Array<number>(stations).fill(0);
    const socs = new Array<number>(stations).fill(0.5);
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const writer = new LedgerWriter({ simId: 'bench', store, batchSize });
    let simTime = 0;
    for (let i = 0; i < records; i++) {
      if (i < stations) {
        const initial: JsonObject = { queue: 0, soc: 0.5, bays: 8, status: 'ok', charging: 4 };
        writer.append(0, `station_${i}`, 'ASSET_CREATED', null, initial, { kind: 'station' }, 'sim');
        continue;
      }
      simTime += next() * 0.1728;
      const s = Math.floor(next() * stations);
      const type = EVENT_TYPES[i % EVENT_TYPES.length];
      const assetId = `station_${s}`;
      if (type === 'CHARGE_PROGRESS') {
        const soc = Math.min(1, socs[s] + next() * 0.05);
        writer.append(simTime, assetId, type, { soc: socs[s] }, { soc }, null, 'sim');
        socs[s] = soc;
      } else {
        const queue = type === 'QUEUE_DECREMENT' ? Math.max(0, queues[s] - 1) : queues[s] + 1;
        const meta: JsonObject = { wait_time_s: Math.round(next() * 600), reason: 'arrival' };
        writer.append(simTime, assetId, type, { queue: queues[s] }, { queue }, meta, 'sim');
        queues[s] = queue;
      }
    }
    await writer.flush();
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const head = await store.head('bench');
    await store.close();
    console.log(
      JSON.stringify({
        name: 'ledger_append_postgres',
        records,
        wall_s: Number(wall.toFixed(3)),
        records_per_s: Math.round(records / wall),
        cpu_s: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
        stations,
        batch_size: batchSize,
        head_hash: head.hash,
      }),
    );
  } finally {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

await main();
