import { Environment } from '@doppel/engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AssetRegistry,
  applyStatePatch,
  diffValue,
  foldStates,
  valueAt,
  type Json,
  type JsonObject,
  type LedgerEvent,
} from '../src/index.js';

/** Diff of two whole states the way the registry records an update (top-level names, nested pointers). */
function diffStates(before: JsonObject, next: JsonObject): { oldValue: JsonObject; newValue: JsonObject } {
  const oldValue: JsonObject = {};
  const newValue: JsonObject = {};
  for (const key of Object.keys(next)) {
    if (!(key in before)) {
      oldValue[key] = null;
      newValue[key] = next[key];
    } else
      diffValue(key, `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, before[key], next[key], oldValue, newValue);
  }
  return { oldValue, newValue };
}

// A small alphabet of keys (with the characters JSON Pointer escapes) and short arrays, so that two independent
// draws often share their shape and the diff descends into them.
const key = fc.constantFrom('a', 'b', 'c/d', 'e~f', '0', '12');
const { value } = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: 0, max: 3 }),
    fc.constantFrom('x', 'y', null, true),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 3 }),
  ),
}));
const topKey = fc.constantFrom('q', 'bays', 'chargers', 'inventory');
const state = fc.dictionary(topKey, value, { maxKeys: 4 }) as fc.Arbitrary<JsonObject>;

describe('state patches', () => {
  it('records one charger of a list by pointer, and applying it copies only along the path', () => {
    const chargers = [
      { id: 'c1', state: 'idle' },
      { id: 'c2', state: 'idle' },
      { id: 'c3', state: 'idle' },
    ];
    const before: JsonObject = { bays: 2, chargers, inventory: { bands: { soc_90_100: 3 }, charged: 3 } };
    const next: JsonObject = {
      bays: 1,
      chargers: [chargers[0], { id: 'c2', state: 'charging' }, chargers[2]],
      inventory: { bands: { soc_80_90: 1, soc_90_100: 2 }, charged: 3 },
    };
    const { oldValue, newValue } = diffStates(before, next);
    expect(newValue).toEqual({
      bays: 1,
      '/chargers/1/state': 'charging',
      '/inventory/bands': { soc_80_90: 1, soc_90_100: 2 },
    });
    expect(oldValue).toEqual({ bays: 2, '/chargers/1/state': 'idle', '/inventory/bands': { soc_90_100: 3 } });
    const after = applyStatePatch(before, newValue);
    expect(after).toEqual(next);
    expect(before.chargers).toBe(chargers);
    expect(chargers[1].state).toBe('idle');
    expect((after.chargers as Json[])[0]).toBe(chargers[0]);
  });

  it('records a shifted list whole rather than as a pointer per element', () => {
    const { newValue } = diffStates({ queue: ['r1', 'r2', 'r3'] }, { queue: ['r2', 'r3', 'r4'] });
    expect(newValue).toEqual({ queue: ['r2', 'r3', 'r4'] });
  });

  it('applies a pointer to a state known only in part by creating the containers it goes through', () => {
    const patch = { '/inventory/bands/soc_90_100': 11, '/inventory/charged': 11, bays_available: 1 };
    expect(applyStatePatch({}, patch)).toEqual({
      inventory: { bands: { soc_90_100: 11 }, charged: 11 },
      bays_available: 1,
    });
    expect(applyStatePatch({ inventory: 3 }, { '/inventory/charged': 2 })).toEqual({ inventory: { charged: 2 } });
  });

  it('escapes "/" and "~" in member names', () => {
    const { newValue } = diffStates({ m: { 'a/b': 1, 'c~d': 1 } }, { m: { 'a/b': 2, 'c~d': 3 } });
    expect(newValue).toEqual({ '/m/a~1b': 2, '/m/c~0d': 3 });
    expect(applyStatePatch({ m: { 'a/b': 1, 'c~d': 1 } }, newValue)).toEqual({ m: { 'a/b': 2, 'c~d': 3 } });
  });

  it('newValue turns the old state into the new one, oldValue turns it back, and oldValue is what was there', () => {
    fc.assert(
      fc.property(state, state, (before, next) => {
        const merged = { ...before, ...next };
        const { oldValue, newValue } = diffStates(before, merged);
        const frozen = JSON.stringify(before);
        expect(applyStatePatch(before, newValue)).toEqual(merged);
        expect(JSON.stringify(before)).toBe(frozen);
        for (const k of Object.keys(oldValue)) expect(valueAt(before, k) ?? null).toEqual(oldValue[k]);
        const back = applyStatePatch(merged, oldValue);
        for (const k of Object.keys(before)) expect(back[k]).toEqual(before[k]);
      }),
      { numRuns: 500 },
    );
  });

  it('the registry records pointer patches that fold back into every state it held', () => {
    fc.assert(
      fc.property(state, fc.array(state, { minLength: 1, maxLength: 6 }), (initial, updates) => {
        const records: LedgerEvent[] = [];
        let seq = 0;
        const ledger = {
          append: (
            simTime: number,
            assetId: string,
            eventType: string,
            oldValue: JsonObject | null,
            newValue: JsonObject | null,
            meta: JsonObject | null,
          ) => {
            records.push({ seq: ++seq, simTime, assetId, eventType, oldValue, newValue, meta, origin: 'sim' });
          },
        };
        const registry = new AssetRegistry({
          env: new Environment({ seed: 1 }),
          ledger,
          kinds: [{ kind: 'thing', state: z.record(z.string(), z.unknown()) }] as never,
        });
        const asset = registry.createAsset('thing', 't1', initial);
        for (const update of updates) {
          registry.update(asset, update, 'CHANGED');
          expect(foldStates(records).get('t1')).toEqual(asset.state);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses state field names that would read as pointers', () => {
    const registry = new AssetRegistry({
      env: new Environment({ seed: 1 }),
      ledger: { append: () => undefined },
      kinds: [{ kind: 'thing', state: z.record(z.string(), z.unknown()) }] as never,
    });
    expect(() => registry.createAsset('thing', 't1', { '/x': 1 })).toThrow(/cannot start with "\/"/);
    const asset = registry.createAsset<JsonObject>('thing', 't2', { x: 1 });
    expect(() => registry.update(asset, { '/x': 2 }, 'CHANGED')).toThrow(/cannot start with "\/"/);
  });
});
