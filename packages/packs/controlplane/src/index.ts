export { controlPlanePack, createControlPlanePack } from './pack.js';
export { ControlPlaneModel, type ControlPlaneBuildOptions } from './model.js';
export { controlPlaneConfigSchema, ENACTOR_VERSIONS, type ControlPlaneConfig, type EnactorVersion } from './config.js';
export {
  legacyEnactor,
  guardedEnactor,
  type EnactorLogic,
  type PickupView,
  type WriteView,
  type CleanupView,
  type PlanView,
} from './enactor-logic.js';
