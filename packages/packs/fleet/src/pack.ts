import type { AssetKindDefinition, Pack } from '@doppel/twin';
import { fleetConfigSchema, type FleetConfig } from './config.js';
import { fleetDataset } from './dataset.js';
import { VEHICLE_INTERVENTIONS } from './interventions.js';
import { FLEET_KPIS, VEHICLE_KPIS } from './kpis.js';
import { FleetModel, type FleetBuildOptions } from './model.js';
import { actorStateSchema, caseStateSchema, vehicleStateSchema } from './state.js';

export const vehicleKind: AssetKindDefinition = {
  kind: 'vehicle',
  title: 'Vehicle',
  description: 'A vehicle under test: dynamics, actuators, sensors, ACC, AEB, lane keeping.',
  state: vehicleStateSchema,
  interventions: VEHICLE_INTERVENTIONS,
  kpis: VEHICLE_KPIS,
};

export const actorKind: AssetKindDefinition = {
  kind: 'actor',
  title: 'Traffic participant',
  description: 'Other traffic, a pedestrian or an obstacle, moving on a scripted profile.',
  state: actorStateSchema,
  interventions: [],
  kpis: [],
};

export const caseKind: AssetKindDefinition = {
  kind: 'case',
  title: 'Test case',
  description: 'One case of the test: its road scene, parameters, and its verdict once finished.',
  state: caseStateSchema,
  interventions: [],
  kpis: [],
};

/** The fleet pack with the driving-policy modules a host has loaded (`entities.ego.policy.module`). */
export function createFleetPack(options: FleetBuildOptions = {}): Pack<FleetConfig, FleetModel> {
  return {
    name: 'fleet',
    title: 'Vehicle fleet',
    version: '0.1.0',
    config: fleetConfigSchema,
    assetKinds: [vehicleKind, actorKind, caseKind],
    kpis: FLEET_KPIS,
    build: (context) => new FleetModel(context, options),
    dataset: fleetDataset,
  };
}

/** The vehicle fleet pack (seed 001). */
export const fleetPack: Pack<FleetConfig, FleetModel> = createFleetPack();
