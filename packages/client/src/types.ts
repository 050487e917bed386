/** Wire types of the Doppel API (kept here so the client has no server dependency and stays browser-safe). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type SimulationStatus = 'ready' | 'running' | 'paused' | 'breakpoint' | 'finished' | 'failed';
export type Scope = 'read' | 'write' | 'admin';

export interface Simulation {
  readonly id: string;
  readonly name: string;
  readonly pack: string;
  readonly example: string | null;
  readonly status: SimulationStatus;
  /** Sim seconds since the scenario start at the live head. */
  readonly simTime: number;
  readonly durationS: number;
  /** Sim seconds per wall second; null = as fast as possible. */
  readonly speed: number | null;
  readonly playing: boolean;
  readonly startIso: string;
  readonly timezone: string;
  readonly seed: number;
  readonly parentId: string | null;
  readonly forkTime: number | null;
  readonly headSeq: number;
  readonly headHash: string | null;
  readonly error: string | null;
  /** The breakpoint the simulation stopped at, while it stands there. */
  readonly breakpoint: {
    readonly id: string;
    readonly expression: string;
    readonly simTime: number;
    readonly eventsProcessed: number;
  } | null;
  /** Debug mode (seed 000 §3), null when off: while `awaitingAck`, the run waits for `ack()` (a Continue button). */
  readonly debug: DebugState | null;
  readonly createdAt: string;
  readonly scenarioSha256: string;
}

export interface DebugState {
  /** Sim seconds per chunk; null when debug mode was turned off while a pause waits. */
  readonly chunkS: number | null;
  /** Paused after a chunk until `ack()`. */
  readonly awaitingAck: boolean;
  /** Sim time of the pause waiting for acknowledgement, else null. */
  readonly pausedAt: number | null;
}

/** `debug_mode` on a run: true = chunks of 15 minutes, { chunk: "5m" } another size, false = off. */
export type DebugModeInput = boolean | { readonly chunk?: string | number };

export interface RunOptions {
  /** Sim seconds per wall second; null/omitted = as fast as possible. */
  readonly speed?: number | null;
  readonly until?: number;
  /** Debug mode for this and later runs (absent: unchanged, the scenario's `debug_mode`). */
  readonly debug_mode?: DebugModeInput;
}

export interface CreateSimulationInput {
  readonly name?: string;
  /** A stored example id (see `examples()`), e.g. `city-100`. */
  readonly example?: string;
  /** Scenario YAML or JSON text. */
  readonly scenario?: string;
  readonly seed?: number;
}

export interface AssetView {
  readonly id: string;
  readonly kind: string;
  readonly state: JsonObject;
  /** ok | warning | critical | offline (live head only). */
  readonly status?: string;
  readonly kpis?: Readonly<Record<string, number>>;
}

export interface StateSnapshot {
  readonly simTime: number;
  readonly assets: readonly AssetView[];
}

export type LedgerOrigin = 'sim' | 'intervention' | 'live' | 'replay';

export interface LedgerEvent {
  readonly seq: number;
  readonly simTime: number;
  readonly assetId: string;
  readonly eventType: string;
  readonly oldValue: JsonObject | null;
  readonly newValue: JsonObject | null;
  readonly meta: JsonObject | null;
  readonly origin: LedgerOrigin;
}

/** A ledger event as the REST API returns it: with the simulation it belongs to (seed 000 `sim_id`). */
export interface SimulationEvent extends LedgerEvent {
  readonly simId: string;
}

export interface LedgerQuery {
  readonly assetId?: string;
  readonly eventTypes?: readonly string[];
  readonly fromTime?: number;
  readonly toTime?: number;
  readonly afterSeq?: number;
  readonly limit?: number;
  readonly order?: 'asc' | 'desc';
}

export type InterventionStatus = 'PENDING' | 'CONFIRMED' | 'FAILED' | 'CANCELLED';

export interface InterventionRecord {
  readonly id: string;
  readonly assetId: string;
  readonly kind: string;
  readonly action: string;
  readonly args: JsonObject;
  readonly origin: string;
  readonly effectiveAt: number;
  readonly status: InterventionStatus;
  readonly reason?: string;
  readonly endsAt?: number;
  readonly ended?: boolean;
  readonly note?: string;
}

export interface InterventionInput {
  readonly assetId: string;
  readonly action: string;
  readonly args?: JsonObject;
  /** Sim seconds; omitted = now. */
  readonly at?: number;
}

export interface Breakpoint {
  readonly id: string;
  readonly expression: string;
}

export interface KpiSnapshot {
  readonly simTime: number;
  readonly values: Readonly<Record<string, number>>;
}

export type TelemetryRow = { readonly time: number; readonly datetime: string } & Readonly<
  Record<string, string | number>
>;

export interface RunSummary {
  readonly sim_id: string;
  readonly scenario: string;
  readonly pack: string;
  readonly scenario_sha256: string;
  readonly ledger_sha256: string;
  readonly seed: number;
  readonly status: SimulationStatus;
  readonly sim_time_s: number;
  readonly events: number;
  readonly ledger_events: number;
  readonly interventions: number;
  readonly wall_s: number | null;
  readonly kpis: Readonly<Record<string, number>>;
  readonly pack_summary: JsonObject | null;
}

export interface KpiDefinition {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly kind: 'counter' | 'gauge';
}

export interface InterventionDescription {
  readonly name: string;
  readonly description: string;
  /** JSON Schema (draft 2020-12) of the arguments: generate forms from it. */
  readonly argsSchema: Record<string, unknown>;
}

export interface AssetKindDescription {
  readonly kind: string;
  readonly title: string;
  readonly description: string;
  readonly stateSchema: Record<string, unknown>;
  readonly kpis: readonly KpiDefinition[];
  readonly interventions: readonly InterventionDescription[];
}

export interface PackDescription {
  readonly name: string;
  readonly title: string;
  readonly version: string;
  readonly kpis: readonly KpiDefinition[];
  readonly inputs: readonly { readonly name: string; readonly description: string }[];
  readonly assetKinds: readonly AssetKindDescription[];
}

export interface ExampleInfo {
  readonly id: string;
  readonly title: string;
  readonly pack: string;
  readonly description: string;
  readonly format: 'file' | 'config-dir';
}

export interface ProblemIssue {
  readonly path: string;
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
  readonly line?: number;
  readonly column?: number;
  readonly suggestion?: string;
}

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly issues?: readonly ProblemIssue[];
}

export interface ScenarioValidation {
  readonly valid: boolean;
  readonly issues: readonly ProblemIssue[];
  readonly scenario: {
    readonly name: string;
    readonly pack: string;
    readonly durationS: number;
    readonly sha256: string;
  } | null;
}

export interface AccountInfo {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: string;
  readonly limits: Readonly<Record<string, number>>;
}

export interface CreatedAccount {
  readonly account: { readonly id: string; readonly name: string; readonly createdAt: string };
  /** Shown once. */
  readonly key: string;
  readonly scopes: readonly Scope[];
}

export interface Webhook {
  readonly id: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly simulationId: string | null;
  readonly createdAt: string;
  /** Deliveries in each state; failed ones wait for a redelivery. */
  readonly deliveries: Readonly<Record<WebhookDelivery['status'], number>>;
}

export interface CreatedWebhook extends Webhook {
  /** `whsec_...`, shown once: verify deliveries with it. */
  readonly secret: string;
}

export interface WebhookDelivery {
  /** The `webhook-id` of every attempt: `msg_<simulation>_<webhook>_<from>-<to>` for a range of ledger seqs. */
  readonly id: string;
  readonly simulationId: string | null;
  readonly status: 'pending' | 'delivered' | 'retrying' | 'failed';
  readonly attempts: number;
  readonly eventCount: number;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  /** When the next attempt is due, while pending or retrying. */
  readonly nextAttemptAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface Health {
  readonly status: 'ok';
  readonly version: string;
  readonly packs: readonly string[];
  readonly uptimeS: number;
}

export interface TwinVehicle {
  readonly id: string;
  readonly physical_vehicle_id: string;
  readonly model_type: string;
  /** The simulation of its latest scenario (null before the first). */
  readonly simulation_id: string | null;
  readonly created_at: string;
}

export interface TwinDetection {
  readonly track: string;
  readonly object_id: string | null;
  readonly sensor: string;
  readonly cls: string;
  readonly range_m: number;
  readonly bearing_deg: number;
  readonly range_rate_mps: number;
}

/** A virtual vehicle's state in its latest scenario (idle at the origin before the first). */
export interface TwinVehicleState {
  readonly vehicle: TwinVehicle;
  readonly simulation_id: string | null;
  readonly sim_time_s: number | null;
  readonly status: 'idle' | 'driving' | 'stopped' | 'finished' | 'collided';
  readonly position: { readonly x_m: number; readonly y_m: number };
  readonly heading_deg: number;
  readonly speed_mps: number;
  readonly speed_kmh: number;
  readonly acceleration_mps2: number;
  readonly actuator_commands: {
    readonly throttle: number;
    readonly brake: number;
    readonly steer_deg: number;
    readonly accel_mps2: number;
  };
  readonly actuators: { readonly throttle: number; readonly brake: number; readonly steer_deg: number };
  readonly aeb: string;
  readonly ttc_s: number | null;
  readonly detections: readonly TwinDetection[];
}

export interface TwinScenarioCreated {
  readonly simulation_id: string;
  readonly scenario: {
    readonly type: string;
    readonly vehicle_id: string | null;
    readonly model_type: string;
    readonly weather: string;
    readonly params: Readonly<Record<string, unknown>>;
    readonly duration_s: number;
    readonly seed: number;
  };
  readonly status: string;
}

export interface TwinCriterion {
  readonly name: string;
  readonly score: string;
  readonly op: '<=' | '>=' | '==';
  readonly limit: number | boolean;
  readonly unit: string;
  readonly value: number | boolean | string | null;
  readonly passed: boolean;
}

export interface TwinCaseResult {
  readonly case: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly verdict: 'pass' | 'fail';
  readonly criteria: readonly TwinCriterion[];
  readonly scores: Readonly<Record<string, number | boolean | string | null>>;
}

/** Results of a fleet simulation: the verdict (null until it has run), criteria with values and limits, scores. */
export interface TwinResults {
  readonly simulation_id: string;
  readonly status: SimulationStatus;
  readonly scenario_type: string | null;
  readonly category: string | null;
  readonly verdict: 'pass' | 'fail' | null;
  readonly criteria: readonly TwinCriterion[];
  readonly scores: Readonly<Record<string, number | boolean | string | null>>;
  readonly cases: readonly TwinCaseResult[];
  readonly sim_time_s: number;
  readonly ledger_sha256: string;
  readonly scenario_sha256: string;
  readonly seed: number;
}

/** What a simulation stream delivers. Ledger events carry `seq`; the client resumes from the last one. */
export type StreamMessage =
  | { readonly type: 'hello'; readonly simId: string; readonly headSeq: number; readonly fromSeq: number }
  | { readonly type: 'events'; readonly events: readonly LedgerEvent[] }
  | { readonly type: 'kpis'; readonly seq: number; readonly row: TelemetryRow }
  | {
      readonly type: 'status';
      readonly status: SimulationStatus;
      readonly simTime: number;
      readonly headSeq: number;
      readonly playing: boolean;
      readonly error: string | null;
    }
  | { readonly type: 'intervention'; readonly record: InterventionRecord }
  | { readonly type: 'rewind'; readonly t: number; readonly seq: number }
  | { readonly type: 'gap'; readonly fromSeq: number; readonly reason: string }
  | { readonly type: 'error'; readonly message: string };
