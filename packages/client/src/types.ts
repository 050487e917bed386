// The client speaks the twin's wire contract (`@doppel/twin/contracts`); only its own call options are declared here.
export type {
  AccountInfo,
  AssetKindDescription,
  AssetView,
  Breakpoint,
  BreakpointHit,
  CreateSimulationInput,
  CreatedAccount,
  CreatedWebhook,
  DebugModeInput,
  DebugState,
  ExampleInfo,
  Health,
  InterventionDescription,
  InterventionInput,
  InterventionRecord,
  InterventionStatus,
  Json,
  JsonObject,
  KpiDefinition,
  KpiSnapshot,
  LedgerEvent,
  LedgerOrigin,
  PackDescription,
  Problem,
  ProblemIssue,
  ReplicationResult,
  RunSummary,
  ScenarioTest,
  ScenarioValidation,
  Scope,
  Simulation,
  SimulationEvent,
  SimulationStatus,
  StateSnapshot,
  StreamMessage,
  TelemetryRow,
  TestResult,
  TestRun,
  TestRunStatus,
  TestRunSummary,
  TestValidation,
  TwinCaseResult,
  TwinCriterion,
  TwinDetection,
  TwinResults,
  TwinScenarioCreated,
  TwinScenarioRequest,
  TwinVehicle,
  TwinVehicleRequest,
  TwinVehicleState,
  Webhook,
  WebhookDelivery,
} from '@doppel/twin/contracts';
import type { DebugModeInput, StoreLedgerQuery } from '@doppel/twin/contracts';

/** Which ledger records to read (query parameters of GET /simulations/{id}/ledger): a store query of that simulation. */
export type LedgerQuery = Omit<StoreLedgerQuery, 'simId'>;

export interface RunOptions {
  /** Sim seconds per wall second; null/omitted = as fast as possible. */
  readonly speed?: number | null;
  readonly until?: number;
  /** Debug mode for this and later runs (absent: unchanged, the scenario's `debug_mode`). */
  readonly debug_mode?: DebugModeInput;
}
