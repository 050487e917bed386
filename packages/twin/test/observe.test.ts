import { describe, expect, it } from 'vitest';
import { applyStatePatch, type JsonObject, type LedgerEvent } from '../src/index.js';
import { playScript } from './fixtures/scripts.js';
import { ledgerOf, newSim } from './fixtures/session-helpers.js';

describe('record observers', () => {
  it('see every live record once, in order, while the assets hold the state right after it', async () => {
    const sim = await newSim({ simId: 'obs' });
    const seen: LedgerEvent[] = [];
    const mismatches: number[] = [];
    const folded = new Map<string, JsonObject>(sim.states());
    const stop = sim.observe((record) => {
      seen.push(record);
      const before = folded.get(record.assetId) ?? {};
      const after = record.newValue === null ? before : applyStatePatch(before, record.newValue);
      folded.set(record.assetId, after);
      if (JSON.stringify(sim.asset(record.assetId).state) !== JSON.stringify(after)) mismatches.push(record.seq);
    });
    playScript(sim);
    stop();
    const ledger = await ledgerOf(sim);
    const created = ledger.filter((record) => record.seq <= seen[0].seq - 1);
    expect(seen.map((record) => record.seq)).toEqual(ledger.slice(created.length).map((record) => record.seq));
    expect(mismatches).toEqual([]);
  });

  it('are not called for records a rewind re-executes silently, and stop when removed', async () => {
    const sim = await newSim({ simId: 'obs-rewind' });
    sim.runUntil(3600);
    const seen: number[] = [];
    const stop = sim.observe((record) => seen.push(record.seq));
    sim.runUntil(7200);
    expect(seen.length).toBeGreaterThan(0);
    const before = seen.length;
    await sim.rewind(1800);
    const rewoundTo = sim.head().seq;
    sim.runUntil(2400);
    const after = seen.slice(before);
    expect(after.length).toBeGreaterThan(0);
    expect(after).toEqual(Array.from({ length: after.length }, (_, index) => rewoundTo + 1 + index));
    stop();
    sim.runUntil(3000);
    expect(seen.length).toBe(before + after.length);
  });
});
