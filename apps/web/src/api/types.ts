/**
 * The shapes the views read. The adapter (doppel-api.ts) maps the server's answers, received through
 * `@doppel/client`, onto them, so a renamed field on the wire changes one file.
 */
import type { JsonSchema } from '../lib/schema-form.js';
import type { AssetStatus } from '../lib/scales.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type RunState = 'ready' | 'running' | 'paused' | 'breakpoint' | 'finished' | 'failed';

export interface SimSummary {
  readonly id: string;
  readonly name: string;
  readonly pack: string;
  readonly state: RunState;
  /** Sim seconds since the scenario start at the live head. */
  readonly simTime: number;
  readonly durationS: number;
  /** Sim seconds per wall second; null = as fast as possible. */
  readonly speed: number | null;
  readonly startIso: string;
  readonly timeZone: string;
  readonly parentId: string | null;
  /** For a branch: the sim time at which it left its parent. */
  readonly forkTime: number | null;
  readonly createdAt: string;
  readonly headSeq: number;
  /** Debug mode (null when off): while `awaitingAck` the run waits for a Continue (`ack`). */
  readonly debug: { readonly awaitingAck: boolean; readonly pausedAt: number | null } | null;
}

export interface AssetView {
  readonly id: string;
  readonly kind: string;
  readonly state: JsonObject;
  readonly status?: AssetStatus;
  readonly kpis?: Readonly<Record<string, number>>;
}

export interface KpiDef {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly kind: 'counter' | 'gauge';
}

export interface InterventionDef {
  readonly name: string;
  readonly description: string;
  readonly schema: JsonSchema;
}

export interface AssetKindInfo {
  readonly kind: string;
  readonly title: string;
  readonly description: string;
  readonly interventions: readonly InterventionDef[];
  readonly kpis: readonly KpiDef[];
}

export interface PackInfo {
  readonly name: string;
  readonly title: string;
  readonly assetKinds: readonly AssetKindInfo[];
  readonly kpis: readonly KpiDef[];
}

export interface LedgerEvent {
  readonly seq: number;
  readonly simTime: number;
  readonly assetId: string;
  readonly eventType: string;
  readonly oldValue: JsonObject | null;
  readonly newValue: JsonObject | null;
  readonly meta: JsonObject | null;
  readonly origin: string;
}

export interface TelemetryRow {
  readonly simTime: number;
  readonly values: Readonly<Record<string, number>>;
}

export type InterventionStatus = 'PENDING' | 'CONFIRMED' | 'FAILED' | 'CANCELLED';

export interface InterventionView {
  readonly id: string;
  readonly assetId: string;
  readonly action: string;
  readonly args: JsonObject;
  readonly effectiveAt: number;
  readonly status: InterventionStatus;
  readonly origin: string;
  readonly reason?: string;
  readonly endsAt?: number;
  readonly ended?: boolean;
  readonly note?: string;
}

export interface ExampleScenario {
  readonly id: string;
  readonly title: string;
  readonly pack: string;
  readonly description?: string;
}

export interface NetworkKpis {
  readonly simTime: number;
  readonly values: Readonly<Record<string, number>>;
}

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
