import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ASSET_CREATED, type LedgerEvent } from '../src/index.js';
import {
  foldStates,
  formatEpochMsIso,
  ledgerCsvHeader,
  ledgerEventToCsvRow,
  ledgerToCsv,
  parseIsoToEpochMs,
} from '../src/ledger/index.js';

const event = (seq: number, partial: Partial<LedgerEvent>): LedgerEvent => ({
  seq,
  simTime: seq,
  assetId: 'station_04',
  eventType: 'QUEUE_INCREMENT',
  oldValue: null,
  newValue: null,
  meta: null,
  origin: 'sim',
  ...partial,
});

describe('foldStates', () => {
  it('starts from ASSET_CREATED and applies top-level patches in seq order', () => {
    const states = foldStates([
      event(1, { eventType: ASSET_CREATED, newValue: { queue: 0, soc: 0.5, bays: [1, 2] }, meta: { kind: 'station' } }),
      event(2, { oldValue: { queue: 0 }, newValue: { queue: 1 } }),
      event(3, { assetId: 'car_1', eventType: 'ARRIVED' }),
      event(4, { oldValue: { soc: 0.5 }, newValue: { soc: 0.9, queue: 2 } }),
      event(5, { assetId: 'city', eventType: 'DEMAND_CHANGED', newValue: { factor: 2 } }),
    ]);
    expect(Object.fromEntries(states)).toEqual({
      station_04: { queue: 2, soc: 0.9, bays: [1, 2] },
      city: { factor: 2 },
    });
  });

  it('a second ASSET_CREATED replaces the state', () => {
    const states = foldStates([
      event(1, { eventType: ASSET_CREATED, newValue: { a: 1, b: 2 } }),
      event(2, { eventType: ASSET_CREATED, newValue: { a: 3 } }),
    ]);
    expect(states.get('station_04')).toEqual({ a: 3 });
  });

  it('does not mutate the records it folds', () => {
    const created = event(1, { eventType: ASSET_CREATED, newValue: { queue: 0 } });
    foldStates([created, event(2, { newValue: { queue: 5 } })]);
    expect(created.newValue).toEqual({ queue: 0 });
  });
});

describe('ledger CSV', () => {
  it('has the columns of the event ledger', () => {
    expect(ledgerCsvHeader).toBe('seq,sim_time,datetime,sim_id,asset_id,event_type,old_value,new_value,meta,origin');
  });

  it('writes datetime as start + sim time in UTC and quotes JSON cells', () => {
    const row = ledgerEventToCsvRow(
      event(12, {
        simTime: 900.5,
        eventType: 'SWAP_COMPLETED',
        oldValue: { soc: 0.9 },
        newValue: { soc: 1, note: 'a "b", c' },
        meta: { wait_time_s: 120 },
      }),
      'sim_99',
      '2026-03-01T08:00:00+01:00',
    );
    expect(row).toBe(
      '12,900.5,2026-03-01T07:15:00.500Z,sim_99,station_04,SWAP_COMPLETED,"{""soc"":0.9}","{""note"":""a \\""b\\"", c"",""soc"":1}","{""wait_time_s"":120}",sim',
    );
  });

  it('leaves null values empty and ends every line of a document', () => {
    const csv = ledgerToCsv([event(1, {}), event(2, { assetId: 'x,y' })], 'sim,1', '2026-01-01T00:00:00Z');
    expect(csv.split('\n')).toEqual([
      ledgerCsvHeader,
      '1,1,2026-01-01T00:00:01.000Z,"sim,1",station_04,QUEUE_INCREMENT,,,,sim',
      '2,2,2026-01-01T00:00:02.000Z,"sim,1","x,y",QUEUE_INCREMENT,,,,sim',
      '',
    ]);
  });

  it('formats instants exactly like toISOString over four centuries', () => {
    fc.assert(
      fc.property(fc.integer({ min: -30_000_000_000_000, max: 250_000_000_000_000 }), (ms) => {
        expect(formatEpochMsIso(ms)).toBe(new Date(ms).toISOString());
        expect(parseIsoToEpochMs(new Date(ms).toISOString())).toBe(ms);
      }),
    );
  });

  it('rejects text that is not an ISO date-time', () => {
    expect(() => parseIsoToEpochMs('yesterday')).toThrow(
      expect.objectContaining({ code: 'DOPPEL_ERR_INVALID_ARGUMENTS' }),
    );
  });
});
