import type { Environment } from '@doppel/engine';
import type { z } from 'zod';
import type { Asset, AssetKindDefinition, AssetStatus, KpiDefinition, TwinModel } from './assets.js';
import type { JsonObject } from './json.js';
import type { LedgerEvent } from './ledger.js';
import type { ResolvedScenario } from './scenario.js';

/** A CSV table a scenario may reference (e.g. demand per station per hour); rows are validated with `row`. */
export interface InputTableSpec {
  readonly description: string;
  readonly row: z.ZodType<JsonObject>;
}

export interface BuildContext<Config> {
  readonly env: Environment;
  readonly twin: TwinModel;
  readonly config: Config;
  readonly scenario: ResolvedScenario;
  /** Validated rows of each input table the scenario provided. */
  readonly inputs: Readonly<Record<string, readonly JsonObject[]>>;
}

/** An extra output table a pack writes next to ledger.csv and telemetry.csv (the line pack's events.csv). */
export interface OutputTable {
  readonly fileName: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | boolean | null)[])[];
}

/** An asset's status verdict and KPIs at an instant, as the inspectors and maps show them. */
export interface AssetJudgement {
  readonly status: AssetStatus;
  readonly kpis: Record<string, number>;
}

/**
 * How a pack judges assets of one kind at a past instant t, with the rule it applies live: from their states at t
 * and the ledger records of [t - lookbackS, t]. Past state reads carry the same verdict as the live head had.
 */
export interface PastJudge {
  /** How far back before t the records reach (seconds, inclusive). */
  readonly lookbackS: number;
  /** The only event types the judge reads. */
  readonly eventTypes: readonly string[];
  /** Each asset of `states` (id → state at t) judged at t; `records` in seq order, of any asset. */
  judge(
    t: number,
    states: ReadonlyMap<string, JsonObject>,
    records: readonly LedgerEvent[],
  ): Map<string, AssetJudgement>;
}

/** The live model a pack builds for one simulation. */
export interface PackModel {
  /** Network-level KPI values now; counters cumulative since t=0 (the telemetry monitor computes increments). */
  kpis(): Record<string, number>;
  /** Per-asset KPI values now (for inspectors), optional. */
  assetKpis?(asset: Asset<JsonObject, unknown>): Record<string, number>;
  assetStatus?(asset: Asset<JsonObject, unknown>): AssetStatus;
  /** The rule of assetStatus (and the KPIs behind it) applied to a past instant, for a kind that has one. */
  pastJudge?(kind: string): PastJudge | undefined;
  /** Called once at the end of a run (or export), for summary.json; JSON-serialisable. */
  summary?(): JsonObject;
  outputTables?(): readonly OutputTable[];
  /** Context columns placed right after time and datetime in each telemetry row (e.g. the SKU), optional. */
  telemetryContext?(): Record<string, string | number>;
  /** Extra telemetry columns after the KPIs in each row (e.g. buffer levels, machine states), optional. */
  telemetryColumns?(): Record<string, string | number>;
  /** Releases what the model holds outside the process's memory (an FMU's host process) once it is no longer run. */
  dispose?(): void;
}

/** A value of a training-data table cell. */
export type DatasetValue = number | boolean | string | null;

/** One column of a training-data table, as the dataset's manifest describes it. */
export interface DatasetColumn {
  readonly name: string;
  /** The Parquet column's type (DuckDB's name for it). */
  readonly type: 'DOUBLE' | 'BIGINT' | 'BOOLEAN' | 'VARCHAR';
  /** `key` joins tables, `feature` is what a model sees, `label` what it learns, `outcome` how the episode ended. */
  readonly role: 'key' | 'feature' | 'label' | 'outcome';
  readonly nullable: boolean;
  readonly unit: string;
  readonly description: string;
}

/** One episode's rows, built from its ledger records as the simulation appends them (the ledger is the truth). */
export interface EpisodeRecorder {
  record(event: LedgerEvent): void;
  /** After the run: a row per step (in `steps` column order) and the episode's own row (in `episode` order). */
  finish(): { readonly steps: readonly (readonly DatasetValue[])[]; readonly episode: readonly DatasetValue[] };
}

/** How a pack turns a run into labelled training data: per-step features and labels, per-episode outcomes. */
export interface PackDataset {
  readonly steps: readonly DatasetColumn[];
  readonly episode: readonly DatasetColumn[];
  /**
   * A recorder for one run of `scenario`, from its assets as built (the records that follow are their changes);
   * labels that look ahead (a collision within `horizonS`) use the horizon.
   */
  recorder(options: {
    readonly scenario: ResolvedScenario;
    readonly assets: readonly Pick<Asset, 'id' | 'kind' | 'state'>[];
    readonly horizonS: number;
  }): EpisodeRecorder;
}

/** A domain pack: the only place domain knowledge lives. The twin core knows none. */
export interface Pack<Config = unknown, Model extends PackModel = PackModel> {
  readonly name: string;
  readonly title: string;
  readonly version: string;
  /** Schema of the pack's section of a scenario (after references and defaults are resolved). */
  readonly config: z.ZodType<Config>;
  readonly inputs?: Readonly<Record<string, InputTableSpec>>;
  readonly assetKinds: readonly AssetKindDefinition[];
  readonly kpis: readonly KpiDefinition[];
  /** Creates the assets (twin.createAsset) and starts the processes on `env`. Must be deterministic. */
  build(context: BuildContext<Config>): Model;
  /** Labelled training data from runs of the pack's scenarios (`doppel dataset generate`), optional. */
  readonly dataset?: PackDataset;
}

/** Type-erased pack, as registries and apps hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPack = Pack<any, PackModel>;
