import type { JsonObject } from '../contracts/json.js';
import { ASSET_CREATED, type LedgerEvent } from '../contracts/ledger.js';

/**
 * Applies records (in seq order) to a map of asset states, in place: ASSET_CREATED sets the full state, any other
 * record with a `newValue` overwrites the top-level fields it holds. A patch for an asset that was never created
 * starts from an empty state, so no change is lost.
 */
export function applyLedgerEvents(states: Map<string, JsonObject>, events: Iterable<LedgerEvent>): void {
  for (const event of events) {
    const patch = event.newValue;
    if (patch === null) continue;
    if (event.eventType === ASSET_CREATED) {
      states.set(event.assetId, { ...patch });
      continue;
    }
    const state = states.get(event.assetId);
    if (state === undefined) states.set(event.assetId, { ...patch });
    else Object.assign(state, patch);
  }
}

/** State of each asset after the given records (in seq order): the rule the time slider and stateAt rely on. */
export function foldStates(events: Iterable<LedgerEvent>): Map<string, JsonObject> {
  const states = new Map<string, JsonObject>();
  applyLedgerEvents(states, events);
  return states;
}
