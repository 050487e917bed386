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
export { enactorFromModule, enactorModuleName, EnactorModuleError, scenarioWithModuleHash } from './enactor-module.js';
export { parseRoute53Export } from './capture/route53.js';
export { parseDynamoDbScan } from './capture/dynamodb.js';
export { snapshotText, snapshotFileName } from './capture/snapshot.js';
export { CaptureError, type CaptureIssue } from './capture/errors.js';
export { route53Export, planTableScan, eventLog, type RegionSpec, type EventLogSpec } from './generate.js';
