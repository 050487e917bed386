import { describe, expect, test } from 'vitest';
import type { LedgerEvent } from '@doppel/twin';
import { firstDivergence, TraceRecorder } from '../src/divergence.js';

function event(seq: number, eventType: string, value: number): LedgerEvent {
  return {
    seq,
    simTime: seq * 10,
    assetId: 'st-1',
    eventType,
    oldValue: null,
    newValue: { queue: value },
    meta: null,
    origin: 'sim',
  };
}

function trace(events: readonly LedgerEvent[]): ReturnType<TraceRecorder['trace']> {
  const recorder = new TraceRecorder();
  recorder.add(events.slice(0, 1));
  recorder.add(events.slice(1));
  return recorder.trace();
}

describe('firstDivergence', () => {
  const base = [event(1, 'ARRIVED', 1), event(2, 'ARRIVED', 2), event(3, 'SWAP_COMPLETED', 1)];

  test('identical ledgers never diverge', () => {
    expect(firstDivergence(trace(base), trace(base))).toEqual({
      seq: null,
      simTime: null,
      baselineEvent: null,
      pointEvent: null,
    });
  });

  test('the first differing event, with its time and what each run recorded there', () => {
    const other = [base[0], event(2, 'BALKED', 2), event(3, 'SWAP_COMPLETED', 1)];
    expect(firstDivergence(trace(base), trace(other))).toEqual({
      seq: 2,
      simTime: 20,
      baselineEvent: 'ARRIVED st-1',
      pointEvent: 'BALKED st-1',
    });
    // A different value is a divergence too, even with the same type and asset.
    expect(firstDivergence(trace(base), trace([base[0], event(2, 'ARRIVED', 5)])).seq).toBe(2);
  });

  test('one ledger a prefix of the other: they part where the shorter ends', () => {
    expect(firstDivergence(trace(base), trace(base.slice(0, 2)))).toEqual({
      seq: 3,
      simTime: 30,
      baselineEvent: 'SWAP_COMPLETED st-1',
      pointEvent: null,
    });
  });
});
