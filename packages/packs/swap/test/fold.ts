import { applyStatePatch, valueAt, type JsonObject } from '@doppel/twin';
import type { Rec } from './harness.js';

/**
 * Folds ledger records into asset states the way the time slider does (ASSET_CREATED state, then newValue
 * patches), checking on the way that each record's oldValue matches the state it changes.
 */
export function foldLedger(ledger: readonly Rec[], untilT = Infinity): Map<string, JsonObject> {
  const states = new Map<string, JsonObject>();
  for (const r of ledger) {
    if (r.t > untilT) break;
    if (r.type === 'ASSET_CREATED') {
      states.set(r.assetId, { ...(r.newValue as JsonObject) });
      continue;
    }
    if (r.newValue === null) continue;
    const state = states.get(r.assetId);
    if (state === undefined) throw new Error(`${r.type} on ${r.assetId} before it was created`);
    for (const key of Object.keys(r.newValue)) {
      const before = JSON.stringify(valueAt(state, key) ?? null);
      const recordedOld = JSON.stringify((r.oldValue as JsonObject)[key]);
      if (before !== recordedOld) {
        throw new Error(`${r.type} on ${r.assetId} at ${r.t}: old ${key} ${recordedOld} but state had ${before}`);
      }
    }
    states.set(r.assetId, applyStatePatch(state, r.newValue));
  }
  return states;
}
