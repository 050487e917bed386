import type { Json, JsonObject } from './json.js';

/** A scenario-scheduled intervention (origin `schedule`), or one supplied when a simulation or branch is created. */
export interface ScheduledIntervention {
  /** Sim time in seconds since the scenario start at which it takes effect. */
  readonly at: number;
  readonly assetId: string;
  readonly action: string;
  readonly args: JsonObject;
}

/**
 * A scenario with every reference, default and constant resolved and validated: frozen, and identified by the
 * SHA-256 of its canonical JSON (`sha256`, computed over every field but `sha256` and `source`).
 */
export interface ResolvedScenario {
  readonly doppel: 1;
  readonly name: string;
  readonly pack: string;
  readonly description: string;
  /** ISO 8601 datetime with offset of sim time 0, e.g. 2026-06-01T00:00:00+02:00. */
  readonly start: string;
  /** IANA zone for display, e.g. Europe/Paris. */
  readonly timezone: string;
  readonly durationS: number;
  /** The run's default seed; a run may override it. */
  readonly seed: number;
  readonly telemetryIntervalS: number;
  /** The pack's section, validated by the pack's `config` schema. */
  readonly config: Json;
  /** Input tables (CSV) by name, validated rows. */
  readonly inputs: Readonly<Record<string, readonly JsonObject[]>>;
  readonly interventions: readonly ScheduledIntervention[];
  /** Breakpoint expressions declared in the scenario. */
  readonly breakpoints: readonly string[];
  /**
   * Debug mode (`debug_mode`): seconds of sim time per chunk, after which a run pauses until acknowledged. Absent
   * when off (so scenarios without it keep their hash).
   */
  readonly debugChunkS?: number;
  readonly sha256: string;
  /** Where it was loaded from (not hashed). */
  readonly source: { readonly kind: 'file' | 'config-dir' | 'inline'; readonly path?: string; readonly run?: string };
}
