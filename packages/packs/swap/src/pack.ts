import type { AssetKindDefinition, Pack } from '@doppel/twin';
import { cancelTrip, forceDegradeHealth, redirectToStation, setSoc } from './asset-interventions.js';
import { demandRowSchema, swapConfigSchema, type SwapConfig } from './config.js';
import { BATTERY_KPIS, NETWORK_KPIS, STATION_KPIS } from './kpis.js';
import { SwapModel } from './model.js';
import { stationInterventions } from './station-interventions.js';
import { batteryStateSchema, stationStateSchema, vehicleStateSchema } from './state.js';

export const stationKind: AssetKindDefinition = {
  kind: 'station',
  title: 'Virtual Swap Station',
  description: 'Swap bays, slot chargers sharing a grid connection, a stock of batteries and a queue of riders.',
  state: stationStateSchema,
  interventions: stationInterventions(),
  kpis: STATION_KPIS,
};

export const batteryKind: AssetKindDefinition = {
  kind: 'battery',
  title: 'Virtual Battery',
  description: 'A swappable pack: state of charge, cycles and state of health; it fades a little every charge.',
  state: batteryStateSchema,
  interventions: [setSoc, forceDegradeHealth],
  kpis: BATTERY_KPIS,
};

export const vehicleKind: AssetKindDefinition = {
  kind: 'vehicle',
  title: 'Virtual Vehicle',
  description: 'A rider on a scooter coming to swap a depleted battery, with a patience and an urgency.',
  state: vehicleStateSchema,
  interventions: [redirectToStation, cancelTrip],
  kpis: [],
};

/** The battery-swap city pack (seed 000). */
export const swapPack: Pack<SwapConfig, SwapModel> = {
  name: 'swap',
  title: 'Battery-swap city',
  version: '0.1.0',
  config: swapConfigSchema,
  inputs: {
    demand: {
      description: 'Historical riders per hour by station and local hour of day (station_id, hour, riders_per_hour)',
      row: demandRowSchema,
    },
  },
  assetKinds: [stationKind, batteryKind, vehicleKind],
  kpis: NETWORK_KPIS,
  build: (context) => new SwapModel(context),
};
