import type { JsonObject } from '../contracts/json.js';
import { ASSET_CREATED, type LedgerEvent } from '../contracts/ledger.js';
import { applyStatePatch } from '../contracts/state-patch.js';

/**
 * Applies records (in seq order) to a map of asset states, in place: ASSET_CREATED sets the full state, any other
 * record with a `newValue` is applied as a state patch (top-level fields replaced, JSON Pointer keys set inside
 * them; see state-patch.ts). A patch for an asset that was never created starts from an empty state, so no change
 * is lost.
 */
export function applyLedgerEvents(states: Map<string, JsonObject>, events: Iterable<LedgerEvent>): void {
  for (const event of events) {
    const patch = event.newValue;
    if (patch === null) continue;
    if (event.eventType === ASSET_CREATED) {
      states.set(event.assetId, { ...patch });
      continue;
    }
    // The map owns each top-level object (copied from ASSET_CREATED above); nested values may be shared with records.
    const state = states.get(event.assetId);
    if (state === undefined) states.set(event.assetId, applyStatePatch({}, patch, true));
    else applyStatePatch(state, patch, true);
  }
}

/** State of each asset after the given records (in seq order): the rule the time slider and stateAt rely on. */
export function foldStates(events: Iterable<LedgerEvent>): Map<string, JsonObject> {
  const states = new Map<string, JsonObject>();
  applyLedgerEvents(states, events);
  return states;
}
