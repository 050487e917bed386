import type { JsonObject } from '../contracts/json.js';
import type { LedgerStore } from '../contracts/ledger.js';
import { LedgerWriter } from '../ledger/writer.js';
import { startProcessMeter } from '../ports/meter.js';

/** The size of an append benchmark: records written, stations they touch, records per store batch. */
export interface AppendBenchSize {
  readonly records: number;
  readonly stations: number;
  readonly batchSize: number;
}

/** What every store's append benchmark reports; wall_s includes the final flush. */
export interface AppendBenchResult {
  readonly records: number;
  readonly wall_s: number;
  readonly records_per_s: number;
  readonly cpu_s: number;
  readonly stations: number;
  readonly batch_size: number;
  readonly head_hash: string | null;
}

/** `[records] [stations] [batchSize]` from the command line, flags (`--x`) left to the caller. */
export function appendBenchSize(argv: readonly string[]): AppendBenchSize {
  const positional = argv.filter((arg) => !arg.startsWith('--'));
  return {
    records: Number(positional[0] ?? 1_000_000),
    stations: Number(positional[1] ?? 1000),
    batchSize: Number(positional[2] ?? 4096),
  };
}

const EVENT_TYPES = ['QUEUE_INCREMENT', 'SWAP_STARTED', 'SWAP_COMPLETED', 'QUEUE_DECREMENT', 'CHARGE_PROGRESS'];

/** A small deterministic generator (xorshift32), so every run of every store writes the same ledger. */
function xorshift32(): () => number {
  let state = 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/**
 * Writes N swap-like records through LedgerWriter (encoding, hash chain, batching) into `store`, the same workload
 * for every store so their figures compare, then closes the store.
 */
export async function runAppendBenchmark(store: LedgerStore, size: AppendBenchSize): Promise<AppendBenchResult> {
  const { records, stations, batchSize } = size;
  const next = xorshift32();
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
  const stop = startProcessMeter();
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
  const { wall_s: wall, cpu_s: cpu } = stop();
  const head = await store.head('bench');
  await store.close();
  return {
    records,
    wall_s: Number(wall.toFixed(3)),
    records_per_s: Math.round(records / wall),
    cpu_s: Number(cpu.toFixed(3)),
    stations,
    batch_size: batchSize,
    head_hash: head.hash,
  };
}
