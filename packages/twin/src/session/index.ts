export { Simulation } from './simulation.js';
export { BreakpointSet, type Breakpoint, type BreakpointHit } from './breakpoints.js';
export { TelemetryMonitor, type TelemetryRow } from './telemetry.js';
export {
  InterventionBook,
  INTERVENTION_PRIORITY,
  validateIntervention,
  type ValidatedIntervention,
} from './interventions.js';
export { Pacing, type PacedTarget } from './pacing.js';
export { DEBUG_PAUSED, DEBUG_ACKNOWLEDGED, SIMULATION_ASSET_ID, awaitingAckError, type DebugState } from './debug.js';
export type {
  SimulationStatus,
  StopReason,
  StopInfo,
  InterventionOutcome,
  SimulationCreateOptions,
  PlayOptions,
  RunSummary,
  StatusChange,
  SimulationEventMap,
  SimulationEventName,
} from './types.js';
