export { Catalog, type Principal, type CreatedKey, type NewSimulation, type SimulationUpdate } from './catalog.js';
export { CatalogError, CatalogErrorCode } from './errors.js';
export { hasScope, hashKey, keyIdOf, newApiKey, newId, newWebhookSecret, SCOPES, type Scope } from './keys.js';
export type {
  Account,
  DeliveryRow,
  DeliveryStatusValue,
  SimulationRow,
  SimulationStatusValue,
  VehicleRow,
  WebhookRow,
} from './rows.js';
export type { MachineModelRow, ModelBindingRow, ModelCatalog, ProjectRow } from './models.js';
export type { ScenarioTestRow, TestCatalog, TestRunRow, TestRunStatusValue, TestRunUpdate } from './tests.js';
export type { FmuCatalog, FmuRow } from './fmus.js';
export type { ExperimentCatalog, ExperimentRow, ExperimentStatusValue, ExperimentUpdate } from './experiments.js';
