export { createFleetPack, fleetPack, vehicleKind, actorKind, caseKind } from './pack.js';
export {
  FleetModel,
  sweepCombinations,
  type FleetBuildOptions,
  type VehicleRuntime,
  type CaseRuntime,
} from './model.js';
export { fleetConfigSchema, entitySchema, testSchema, type FleetConfig, type EntityConfig } from './config.js';
export {
  vehicleStateSchema,
  actorStateSchema,
  caseStateSchema,
  detectionStateSchema,
  type VehicleState,
  type ActorState,
  type CaseState,
} from './state.js';
export { VEHICLE_INTERVENTIONS } from './interventions.js';
export { FLEET_KPIS, VEHICLE_KPIS } from './kpis.js';
export { SCENARIO_TYPES, SCENARIO_TYPE_NAMES, scenarioType } from './scenarios/library.js';
export { FleetCase, type CaseResult, type Verdict } from './scenarios/case.js';
export type {
  AnyScenarioType,
  ScenarioType,
  Category,
  CriterionResult,
  CriterionSpec,
  Scores,
} from './scenarios/types.js';
export * from './models/index.js';
export {
  twinScenarioParams,
  twinScenarioDocument,
  liveForkDocument,
  twinVehicleStateView,
  scenarioAccuracies,
  type TwinVehicleStateView,
  type ParamIssue,
  type ForkedVehicle,
} from './api.js';
export { fleetDataset, STEP_COLUMNS, EPISODE_COLUMNS } from './dataset.js';
export { policyModuleName, policyModuleSha256, scenarioWithPolicyHash } from './policy-module.js';
