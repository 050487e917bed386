import type { JsonObject, LedgerEvent } from '@doppel/twin';

export const CRASH_SIM_ID = 'crash';
export const CRASH_BATCH_SIZE = 700;

/** Record `seq` of the synthetic ledger the crash test writes: deterministic, so the parent can recompute it. */
export function crashRecord(seq: number): LedgerEvent {
  const station = `station_${(seq * 7919) % 97}`;
  const newValue: JsonObject = { queue: (seq * 31) % 11, soc: ((seq * 17) % 1000) / 1000 };
  const meta: JsonObject | null = seq % 4 === 0 ? { wait_time_s: seq % 600 } : null;
  return {
    seq,
    simTime: Math.floor(seq / 5) * 1.25,
    assetId: station,
    eventType: seq % 3 === 0 ? 'SWAP_COMPLETED' : 'QUEUE_INCREMENT',
    oldValue: null,
    newValue,
    meta,
    origin: 'sim',
  };
}
