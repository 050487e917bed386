export { linePack, machineKind, bufferKind, lineKind } from './pack.js';
export { LineModel, EVENTS_COLUMNS } from './model.js';
export {
  lineConfigSchema,
  scenarioSchema,
  topologySchema,
  equipmentSchema,
  productSchema,
  behaviorSchema,
  sourceSchema,
  costRatesSchema,
  type LineConfig,
  type ScenarioConfig,
  type TopologyConfig,
  type EquipmentConfig,
  type ProductConfig,
  type BehaviorConfig,
  type SourceConfig,
  type CostRates,
} from './config.js';
export { PHASE_REGISTRY, DEFAULT_PHASES, type Phase } from './phases.js';
export { planLine, SOURCE, SINK, REJECT, type LinePlan, type EdgePlan } from './topology.js';
export { machineOee, lineOee, economics, conversionCost, type Oee, type Economics } from './metrics.js';
export { LINE_KPIS, MACHINE_KPIS, BUFFER_KPIS } from './kpis.js';
export { LineError, LineErrorCode } from './errors.js';
export { MACHINE_STATES, type MachineStateName, type MachineState, type BufferState, type LineState } from './state.js';
export { toCel, compilePredicate } from './expressions.js';
export type { LineRuntime } from './line.js';
export type { Machine } from './machine.js';
export type { Buffer } from './flow.js';
