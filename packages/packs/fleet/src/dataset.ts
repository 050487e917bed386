import {
  applyStatePatch,
  type Asset,
  type DatasetColumn,
  type DatasetValue,
  type EpisodeRecorder,
  type JsonObject,
  type LedgerEvent,
  type PackDataset,
} from '@doppel/twin';
import { fleetConfigSchema } from './config.js';
import { vehicleParams } from './models/vehicle-types.js';
import type { ActorState, CaseState, VehicleState } from './state.js';

const column = (
  name: string,
  type: DatasetColumn['type'],
  role: DatasetColumn['role'],
  description: string,
  unit = '',
  nullable = false,
): DatasetColumn => ({ name, type, role, nullable, unit, description });

/** A brake command above this share of full braking counts as braking (below it is a dragged pedal). */
const BRAKING_THRESHOLD = 0.05;

/**
 * The steps table: one row per sampled state of a vehicle under test (`ledger.sample_hz`, 10 Hz by default).
 * Features are what the vehicle knows of itself and perceives (its sensors' detections, its perceived TTC); labels
 * are the ground truth a model should learn (time to collision from the true positions, a collision within the
 * horizon) and the action the vehicle's driving functions took (braking).
 */
export const STEP_COLUMNS: readonly DatasetColumn[] = [
  column('episode', 'BIGINT', 'key', 'The episode (episodes.parquet) the step belongs to.'),
  column('vehicle', 'VARCHAR', 'key', 'The vehicle under test.'),
  column('step', 'BIGINT', 'key', 'Index of the sample within the episode and vehicle, from 0.'),
  column('t_s', 'DOUBLE', 'key', 'Sim time of the sample.', 's'),
  column('speed_mps', 'DOUBLE', 'feature', 'Own speed.', 'm/s'),
  column('accel_mps2', 'DOUBLE', 'feature', 'Own longitudinal acceleration.', 'm/s²'),
  column('heading_deg', 'DOUBLE', 'feature', 'Own heading.', '°'),
  column('lane', 'BIGINT', 'feature', 'Target lane.'),
  column('detections', 'BIGINT', 'feature', 'Detections of all sensors in the sample.'),
  column('nearest_range_m', 'DOUBLE', 'feature', 'Range of the nearest detection.', 'm', true),
  column('nearest_range_rate_mps', 'DOUBLE', 'feature', 'Range rate of the nearest detection.', 'm/s', true),
  column('perceived_ttc_s', 'DOUBLE', 'feature', 'Time to collision as the vehicle perceives it.', 's', true),
  column('gap_m', 'DOUBLE', 'label', 'True bumper-to-bumper gap to the nearest object ahead in the lane.', 'm', true),
  column('closing_speed_mps', 'DOUBLE', 'label', 'True closing speed on that object (> 0: closing).', 'm/s', true),
  column('ttc_s', 'DOUBLE', 'label', 'True time to collision: gap over closing speed, when closing.', 's', true),
  column('collision_ahead', 'BOOLEAN', 'label', 'The vehicle collides within the horizon after this step.'),
  column('braking', 'BOOLEAN', 'label', 'The brake command exceeds 5% of full braking.'),
  column('brake_cmd', 'DOUBLE', 'label', 'Brake command, 0 to 1.'),
  column('throttle_cmd', 'DOUBLE', 'label', 'Throttle command, 0 to 1.'),
  column('aeb_stage', 'VARCHAR', 'label', 'AEB stage: off, standby, warning, partial or full.'),
];

/** The episodes table's columns from the pack (the generator adds the episode key, seed, hash and factors). */
export const EPISODE_COLUMNS: readonly DatasetColumn[] = [
  column('type', 'VARCHAR', 'outcome', 'Scenario type of the library.'),
  column('weather', 'VARCHAR', 'outcome', 'Weather of the case.'),
  column('verdict', 'VARCHAR', 'outcome', 'pass (every criterion holds), fail, or pending (the run ended first).'),
  column('collision', 'BOOLEAN', 'outcome', 'A vehicle under test collided.'),
  column('impact_speed_kmh', 'DOUBLE', 'outcome', 'Relative speed at impact (null: case unfinished).', 'km/h', true),
  column('min_ttc_s', 'DOUBLE', 'outcome', 'Least true time to collision (null: case unfinished).', 's', true),
  column('steps', 'BIGINT', 'outcome', 'Rows of the episode in steps.parquet.'),
  column('duration_s', 'DOUBLE', 'outcome', 'Sim time of the last step.', 's'),
];

/** The vehicles' box: a vehicle's position (x_m, y_m) is its reference point, its front bumper `front` ahead of it. */
interface Body {
  readonly length: number;
  readonly width: number;
  readonly front: number;
}

/** A step's row without the label that looks ahead (`collision_ahead`, filled in once the episode is over). */
interface PendingRow {
  readonly vehicle: string;
  readonly t: number;
  readonly values: DatasetValue[];
}

/** Where `collision_ahead` sits in a row. */
const COLLISION_AHEAD = STEP_COLUMNS.findIndex((c) => c.name === 'collision_ahead');

/**
 * Builds one episode's rows from its ledger. A vehicle's row is taken at the end of the instant it was sampled at
 * (when a later sim time arrives), so the actors' states sampled right after the vehicles' at that instant are
 * folded in. The true gap is measured along the vehicle's heading (exact on the straight roads of the safety
 * library, an approximation in bends); collisions are the ledger's COLLISION records, so `collision_ahead` is exact.
 */
class FleetEpisodeRecorder implements EpisodeRecorder {
  private readonly states = new Map<string, JsonObject>();
  private readonly kinds = new Map<string, string>();
  private readonly sampled: string[] = [];
  private sampledAt = -1;
  private readonly rows: PendingRow[] = [];
  private readonly collisions = new Map<string, number>();
  private readonly steps = new Map<string, number>();

  constructor(
    private readonly horizonS: number,
    private readonly ego: Body,
    assets: readonly Pick<Asset, 'id' | 'kind' | 'state'>[],
  ) {
    // The map owns each top-level object; nested values may be shared with the assets and records, and are only read.
    for (const asset of assets) {
      this.kinds.set(asset.id, asset.kind);
      this.states.set(asset.id, { ...asset.state });
    }
  }

  record(event: LedgerEvent): void {
    if (event.simTime !== this.sampledAt) this.flush();
    const patch = event.newValue;
    const state = this.states.get(event.assetId);
    if (state !== undefined && patch !== null) applyStatePatch(state, patch, true);
    if (event.eventType === 'COLLISION' && !this.collisions.has(event.assetId)) {
      this.collisions.set(event.assetId, event.simTime);
    }
    if (event.eventType === 'VEHICLE_STATE') {
      this.sampled.push(event.assetId);
      this.sampledAt = event.simTime;
    }
  }

  private flush(): void {
    for (const id of this.sampled) {
      const state = this.states.get(id) as unknown as VehicleState | undefined;
      if (state !== undefined) this.rows.push({ vehicle: id, t: this.sampledAt, values: this.row(id, state) });
    }
    this.sampled.length = 0;
  }

  private row(id: string, st: VehicleState): DatasetValue[] {
    const step = this.steps.get(id) ?? 0;
    this.steps.set(id, step + 1);
    let nearest: { range_m: number; range_rate_mps: number } | null = null;
    for (const d of st.detections) if (nearest === null || d.range_m < nearest.range_m) nearest = d;
    const truth = this.truthAhead(id, st);
    const ttc = truth !== null && truth.closing > 0.01 ? round(truth.gap / truth.closing) : null;
    return [
      0,
      id,
      step,
      // The engine's clock sums steps of 1/step_hz: 9.7999999999998 is 9.8 s.
      Math.round(this.sampledAt * 1e6) / 1e6,
      st.speed_mps,
      st.accel_mps2,
      st.heading_deg,
      st.lane,
      st.detections.length,
      nearest?.range_m ?? null,
      nearest?.range_rate_mps ?? null,
      st.ttc_s,
      truth === null ? null : round(truth.gap),
      truth === null ? null : round(truth.closing),
      ttc,
      false,
      st.commands.brake > BRAKING_THRESHOLD,
      st.commands.brake,
      st.commands.throttle,
      st.aeb,
    ];
  }

  /** The nearest object of the same case ahead in the vehicle's corridor: its gap and closing speed. */
  private truthAhead(ownId: string, own: VehicleState): { gap: number; closing: number } | null {
    const h = (own.heading_deg * Math.PI) / 180;
    const c = Math.cos(h);
    const s = Math.sin(h);
    let best: { gap: number; closing: number } | null = null;
    for (const [id, kind] of this.kinds) {
      if (id === ownId || (kind !== 'actor' && kind !== 'vehicle')) continue;
      const other = this.states.get(id) as unknown as (ActorState | VehicleState) | undefined;
      if (other === undefined || other.case !== own.case) continue;
      // Measured from the front bumper to the other box's centre, along the heading.
      const isActor = 'length_m' in other;
      const length = isActor ? other.length_m : this.ego.length;
      const width = isActor ? other.width_m : this.ego.width;
      const centreShift = isActor ? 0 : this.ego.front - this.ego.length / 2;
      const oh = (other.heading_deg * Math.PI) / 180;
      const dx = other.x_m + centreShift * Math.cos(oh) - own.x_m;
      const dy = other.y_m + centreShift * Math.sin(oh) - own.y_m;
      const along = dx * c + dy * s - this.ego.front;
      const side = -dx * s + dy * c;
      if (Math.abs(side) > (this.ego.width + width) / 2) continue;
      const gap = along - length / 2;
      if (gap < -length) continue;
      const closing = own.speed_mps - other.speed_mps * Math.cos(oh - h);
      if (best === null || gap < best.gap) best = { gap: Math.max(0, gap), closing };
    }
    return best;
  }

  finish(): { steps: DatasetValue[][]; episode: DatasetValue[] } {
    this.flush();
    const steps = this.rows.map((row) => {
      const at = this.collisions.get(row.vehicle);
      row.values[COLLISION_AHEAD] = at !== undefined && at >= row.t - 1e-9 && at <= row.t + this.horizonS + 1e-9;
      return row.values;
    });
    return { steps, episode: this.episodeRow(steps) };
  }

  private episodeRow(steps: readonly DatasetValue[][]): DatasetValue[] {
    const cases = [...this.kinds].filter(([, kind]) => kind === 'case').map(([id]) => id);
    const states = cases.map((id) => this.states.get(id) as unknown as CaseState);
    const first = states[0];
    const scores = first?.scores ?? {};
    const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);
    return [
      first?.type ?? '',
      first?.weather ?? '',
      verdictOf(states),
      this.collisions.size > 0,
      num(scores.impact_speed_kmh),
      num(scores.min_ttc_s),
      steps.length,
      steps.length === 0 ? 0 : (steps[steps.length - 1]![3] as number),
    ];
  }
}

/** pass when every case passed, fail when one failed, pending when a case was still running as the run ended. */
function verdictOf(cases: readonly CaseState[]): string {
  if (cases.some((k) => k.verdict === 'fail')) return 'fail';
  if (cases.length === 0 || cases.some((k) => k.verdict === 'pending')) return 'pending';
  return 'pass';
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

/** The fleet pack's training data: per-step features and labels of every vehicle under test, per-episode outcomes. */
export const fleetDataset: PackDataset = {
  steps: STEP_COLUMNS,
  episode: EPISODE_COLUMNS,
  recorder: ({ scenario, assets, horizonS }) => {
    const config = fleetConfigSchema.parse(scenario.config);
    const ego = config.entities.ego;
    const params = vehicleParams(ego.model_type, ego.overrides);
    const front = params.wheelbase_m + params.front_overhang_m;
    return new FleetEpisodeRecorder(horizonS, { length: params.length_m, width: params.width_m, front }, assets);
  },
};
