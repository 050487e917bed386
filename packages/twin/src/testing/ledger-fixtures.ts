import type { JsonObject } from '../contracts/json.js';
import { ASSET_CREATED, type LedgerEvent, type LedgerStore, type SimulationRecord } from '../contracts/ledger.js';
import { encodeLedgerEvent } from '../ledger/encoding.js';
import { LedgerHasher } from '../ledger/hasher.js';

/** A catalog record for tests. */
export function testSimulationRecord(simId: string, overrides: Partial<SimulationRecord> = {}): SimulationRecord {
  return {
    simId,
    name: `test ${simId}`,
    pack: 'swap',
    scenarioSha256: 'a'.repeat(64),
    scenarioJson: '{"assets":[]}',
    seed: 42,
    parentSimId: null,
    forkSeq: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export const TEST_EVENT_TYPES = ['QUEUE_INCREMENT', 'QUEUE_DECREMENT', 'SWAP_COMPLETED', 'CHARGE_TICK'] as const;

/**
 * A deterministic swap-like ledger of n records: `assets` ASSET_CREATED records at time 0, then patches on
 * top-level fields, several records per instant (sim time advances every 3 records). `variant` changes values, so
 * two variants share nothing but their shape (used for branches and re-executions).
 */
export function syntheticLedger(n: number, options: { assets?: number; variant?: number; fromSeq?: number } = {}) {
  const assets = options.assets ?? 8;
  const variant = options.variant ?? 0;
  const fromSeq = options.fromSeq ?? 1;
  const records: LedgerEvent[] = [];
  for (let seq = fromSeq; seq < fromSeq + n; seq++) records.push(syntheticRecord(seq, assets, variant));
  return records;
}

export function syntheticRecord(seq: number, assets = 8, variant = 0): LedgerEvent {
  const assetId = `station_${String((seq - 1) % assets).padStart(2, '0')}`;
  if (seq <= assets) {
    const state: JsonObject = { queue: 0, soc: 0.5, status: 'ok', bays: [1, 2, 3] };
    return base(seq, 0, assetId, ASSET_CREATED, null, state, { kind: 'station' });
  }
  const simTime = Math.floor((seq - assets) / 3) * 7.5;
  const eventType = TEST_EVENT_TYPES[(seq * 7 + variant) % TEST_EVENT_TYPES.length];
  const queue = (seq * 13 + variant * 5) % 9;
  const soc = ((seq * 37 + variant) % 100) / 100;
  const newValue: JsonObject = eventType === 'CHARGE_TICK' ? { soc } : { queue };
  const oldValue: JsonObject = eventType === 'CHARGE_TICK' ? { soc: 0.5 } : { queue: Math.max(0, queue - 1) };
  const meta: JsonObject | null = seq % 5 === 0 ? { wait_time_s: seq % 300, reason: 'arrival' } : null;
  return base(seq, simTime, assetId, eventType, oldValue, newValue, meta);
}

function base(
  seq: number,
  simTime: number,
  assetId: string,
  eventType: string,
  oldValue: JsonObject | null,
  newValue: JsonObject | null,
  meta: JsonObject | null,
): LedgerEvent {
  return {
    seq,
    simTime,
    assetId,
    eventType,
    oldValue,
    newValue,
    meta,
    origin: seq % 11 === 0 ? 'intervention' : 'sim',
  };
}

/** Head hash over records, computed independently of any store. */
export function expectedHeadHash(records: readonly LedgerEvent[]): string {
  const hasher = new LedgerHasher();
  for (const record of records) hasher.add(encodeLedgerEvent(record));
  return hasher.head().hash;
}

/**
 * Appends records to a store in batches of the given sizes (cycled), with the blocks each batch seals, continuing
 * a ledger that already holds `records[0].seq - 1` records whose hash state is `hasher`.
 */
export async function appendInBatches(
  store: LedgerStore,
  simId: string,
  records: readonly LedgerEvent[],
  batchSizes: readonly number[],
  hasher: LedgerHasher = new LedgerHasher(),
  withEncoded = false,
): Promise<LedgerHasher> {
  let position = 0;
  let turn = 0;
  while (position < records.length) {
    const size = Math.max(1, batchSizes[turn++ % batchSizes.length]);
    const batch = records.slice(position, position + size);
    const encoded = batch.map(encodeLedgerEvent);
    for (const text of encoded) hasher.add(text);
    await store.append(simId, batch, hasher.takeSealed(), withEncoded ? encoded : undefined);
    position += size;
  }
  return hasher;
}

/** A hasher positioned after `prefix`, with its blocks already considered stored. */
export function hasherAfter(prefix: readonly LedgerEvent[]): LedgerHasher {
  const hasher = new LedgerHasher();
  for (const record of prefix) hasher.add(encodeLedgerEvent(record));
  hasher.takeSealed();
  return hasher;
}
