import { z } from 'zod';
import type { AnyInterventionDefinition } from '../assets/pack-registry.js';
import type { AssetKindDefinition, TwinModel } from '../contracts/assets.js';
import type { Json, JsonObject } from '../contracts/json.js';

/**
 * The action every asset takes besides its pack's: a measurement of the real thing (MQTT live sync) sets state fields
 * with ledger origin `live`. It is logged like any intervention, so a rewind or replay re-applies the measurements
 * at the instants they arrived; its ledger record carries, per numeric field, the drift between the twin's value just
 * before and the measured one (`meta.drift`).
 */
export const LIVE_MEASUREMENT = 'live_measurement';

const definitions = new WeakMap<AssetKindDefinition, AnyInterventionDefinition>();

/** The kind's `live_measurement`: `{state: {...}}` with fields of the kind's state schema (any subset, none unknown). */
export function liveMeasurementDefinition(kind: AssetKindDefinition): AnyInterventionDefinition {
  let definition = definitions.get(kind);
  if (definition === undefined) {
    const state = kind.state instanceof z.ZodObject ? kind.state.partial().strict() : z.never();
    const args = z.strictObject({ state });
    definition = {
      name: LIVE_MEASUREMENT,
      description: 'A measurement of the real asset: sets state fields (ledger origin live), recording the drift.',
      args,
      apply: (asset, parsed: { state: JsonObject }, twin: TwinModel) => {
        const drift: Record<string, Json> = {};
        for (const [field, measured] of Object.entries(parsed.state)) {
          const predicted = asset.state[field];
          if (typeof measured === 'number' && typeof predicted === 'number') drift[field] = measured - predicted;
        }
        twin.update(asset, parsed.state, 'LIVE_MEASUREMENT', { drift }, { always: true });
      },
    };
    definitions.set(kind, definition);
  }
  return definition;
}
