export { AssetRegistry, type AssetRegistryOptions, type LedgerSink } from './asset-registry.js';
export {
  PackRegistry,
  describePack,
  type AnyInterventionDefinition,
  type PackDescription,
  type AssetKindDescription,
  type InterventionDescription,
} from './pack-registry.js';
export { counterKpi, gaugeKpi } from './kpi-definitions.js';
