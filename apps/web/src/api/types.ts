/**
 * The shapes the views read. What crosses the wire is the twin's contract, received through `@doppel/client`;
 * only the views' own shapes are declared here (a simulation's run state as the transport bar shows it, pack forms,
 * telemetry as chart series), each built from the contract types by the adapter (doppel-api.ts).
 */
import type {
  AssetKindDescription,
  AssetView as WireAssetView,
  ExampleInfo,
  InterventionDescription,
  InterventionRecord,
  KpiSnapshot,
  LedgerEvent,
  PackDescription,
  Simulation,
  SimulationStatus,
} from '@doppel/client';
import type { JsonSchema } from '../lib/schema-form.js';
import type { AssetStatus } from '../lib/scales.js';

export type { InterventionStatus, JsonObject, LedgerEvent } from '@doppel/client';

export type RunState = SimulationStatus;

/** A simulation as the views show it: a playing run reads as running. */
export type SimSummary = Pick<
  Simulation,
  | 'id'
  | 'name'
  | 'pack'
  | 'simTime'
  | 'durationS'
  | 'speed'
  | 'startIso'
  | 'parentId'
  | 'forkTime'
  | 'createdAt'
  | 'headSeq'
> & {
  /** Debug mode (null when off): while `awaitingAck` the run waits for a Continue (`ack`). */
  readonly debug: { readonly awaitingAck: boolean; readonly pausedAt: number | null } | null;
  readonly state: RunState;
  readonly timeZone: string;
};

/** An asset with its status narrowed to the ones the map colours. */
export type AssetView = Omit<WireAssetView, 'status'> & { readonly status?: AssetStatus };

/** An intervention as a form: its arguments' JSON Schema typed for the form generator. */
export type InterventionDef = Pick<InterventionDescription, 'name' | 'description'> & { readonly schema: JsonSchema };

export type AssetKindInfo = Pick<AssetKindDescription, 'kind' | 'title' | 'description' | 'kpis'> & {
  readonly interventions: readonly InterventionDef[];
};

export type PackInfo = Pick<PackDescription, 'name' | 'title' | 'kpis'> & {
  readonly assetKinds: readonly AssetKindInfo[];
};

/** One telemetry row as a chart reads it: sim time and the numeric columns. */
export interface TelemetryRow {
  readonly simTime: number;
  readonly values: Readonly<Record<string, number>>;
}

export type InterventionView = InterventionRecord;

export type ExampleScenario = ExampleInfo;

export type NetworkKpis = KpiSnapshot;

/** A problem the server located: a request field, or a line in a scenario. */
export interface ApiIssue {
  readonly message: string;
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
}

/** Any failed call, normalised: the server's code and message, and where it points. */
export class ApiProblem extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly issues: readonly ApiIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
}

export interface CreateSimulationInput {
  readonly name?: string;
  readonly example?: string;
  readonly scenarioYaml?: string;
  readonly seed?: number;
}

export type StreamMessage =
  | { readonly type: 'events'; readonly events: readonly LedgerEvent[] }
  | { readonly type: 'status'; readonly state: RunState; readonly simTime: number; readonly headSeq: number }
  | { readonly type: 'rewind'; readonly t: number; readonly seq: number }
  | { readonly type: 'gap'; readonly fromSeq: number }
  | { readonly type: 'closed' };
