import type { Environment, RandomStream } from '@doppel/engine';
import type { z } from 'zod';
import type { JsonObject } from './json.js';
import type { LedgerOrigin } from './ledger.js';
import type { KpiDefinition } from './wire/packs.js';

export type { KpiDefinition } from './wire/packs.js';

/**
 * One virtual thing (station, battery, machine...). Its `state` is plain JSON, read freely; it changes only through
 * {@link TwinModel.update}, which records a ledger event. `runtime` is the pack's own live object for it (for
 * example the station's queues), what intervention handlers act on.
 */
export interface Asset<S extends JsonObject = JsonObject, R = unknown> {
  readonly id: string;
  readonly kind: string;
  readonly state: Readonly<S>;
  readonly runtime: R;
}

/** What a pack's model code sees of the twin: the engine, its RNG streams, and the one path for state changes. */
export interface TwinModel {
  readonly env: Environment;
  /** Named, independent RNG stream derived from the run seed (common random numbers across A/B runs). */
  rng(name: string): RandomStream;
  /** Registers an asset and records ASSET_CREATED with its full state. Ids are unique within a simulation. */
  createAsset<S extends JsonObject, R = undefined>(kind: string, id: string, state: S, runtime?: R): Asset<S, R>;
  /**
   * Changes some top-level state fields and records ONE ledger event whose oldValue/newValue hold just what
   * changed: a scalar field by name, a change inside an object or array field by JSON Pointer (only the charger
   * that changed, not the list). Unchanged fields are left out; if none changed, nothing is recorded unless
   * `always` is set.
   */
  update<S extends JsonObject>(
    asset: Asset<S, unknown>,
    patch: Partial<S>,
    eventType: string,
    meta?: JsonObject | null,
    options?: { always?: boolean },
  ): void;
  /** Records an event that changes no state (oldValue/newValue null). */
  emit(asset: Asset<JsonObject, unknown>, eventType: string, meta?: JsonObject | null): void;
  asset(id: string): Asset<JsonObject, unknown> | undefined;
  assets(kind?: string): readonly Asset<JsonObject, unknown>[];
  /** `intervention` while an intervention handler runs, otherwise `sim` (or `replay`/`live` when set by the core). */
  readonly origin: LedgerOrigin;
}

/** Raised by an intervention handler for a domain refusal ("bay b9 does not exist"): the intervention is FAILED. */
export interface InterventionEffect {
  /** When set, the core calls `end` this many seconds after the effect began (a fault for 1200 s ends by itself). */
  readonly durationS?: number;
  readonly end?: () => void;
  /** Shown in the intervention log. */
  readonly note?: string;
}

export interface InterventionDefinition<Args = unknown, S extends JsonObject = JsonObject, R = unknown> {
  /** snake_case action name, as in the seeds: `inject_fault`, `trigger_outage`, `set_soc`. */
  readonly name: string;
  readonly description: string;
  /** Arguments schema; unknown fields are rejected (use z.strictObject). Also drives the UI form and OpenAPI. */
  readonly args: z.ZodType<Args>;
  /**
   * Applies the effect at the current sim time, through `twin.update` for state. Throw `InterventionRejected`
   * (from @doppel/twin) to fail it with a reason.
   */
  apply(asset: Asset<S, R>, args: Args, twin: TwinModel): InterventionEffect | void;
}

/** Colour-coded status of an asset for maps and lists (green OK, amber, red, grey). */
export type AssetStatus = 'ok' | 'warning' | 'critical' | 'offline';

export interface AssetKindDefinition {
  readonly kind: string;
  readonly title: string;
  readonly description: string;
  readonly state: z.ZodType<JsonObject>;
  // Handlers are contravariant in their arguments; the registry validates args with `args` before calling apply.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly interventions: readonly InterventionDefinition<any, any, any>[];
  readonly kpis: readonly KpiDefinition[];
}
