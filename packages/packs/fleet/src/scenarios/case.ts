import type { RandomStream } from '@doppel/engine';
import { behaviourSchema, type BehaviourConfig } from '../models/behaviour.js';
import { ScriptedActor } from '../models/objects.js';
import { Path } from '../models/path.js';
import { vehicleParams } from '../models/vehicle-types.js';
import type { Vehicle } from '../models/vehicle.js';
import { World } from '../models/world.js';
import type { Weather } from '../models/weather.js';
import { commonScores, evaluate } from './scores.js';
import type {
  AnyScenarioType,
  CaseBuild,
  CaseContext,
  CriterionResult,
  CriterionSpec,
  Scores,
  TimedFault,
} from './types.js';

export type Verdict = 'pass' | 'fail';

export interface CaseResult {
  readonly case: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly verdict: Verdict;
  readonly criteria: readonly CriterionResult[];
  readonly scores: Scores;
}

export interface CaseOptions {
  readonly id: string;
  readonly type: AnyScenarioType;
  readonly params: Record<string, unknown>;
  readonly ctx: CaseContext;
  readonly weather: Weather;
  readonly gradeRad: number;
  readonly dt: number;
  readonly rng: (name: string) => RandomStream;
  /** Suffix of vehicle and actor ids (a sweep runs several cases in one simulation: `ego@60`). */
  readonly suffix: string;
  readonly extraCriteria: readonly CriterionSpec[];
}

function mergeBehaviour(base: BehaviourConfig, patch: Partial<BehaviourConfig> | undefined): BehaviourConfig {
  return behaviourSchema.parse({ ...base, ...patch });
}

/** One case of a scenario type: its world built from the type's parameters, its timed faults, its verdict. */
export class FleetCase {
  readonly world: World;
  readonly build: CaseBuild;
  private readonly pendingFaults: TimedFault[];

  constructor(readonly options: CaseOptions) {
    const { type, params, ctx, suffix } = options;
    this.build = type.build(params, ctx);
    this.world = new World({
      dt: options.dt,
      weather: options.weather,
      mu: ctx.mu,
      gradeRad: options.gradeRad,
      rng: options.rng,
    });
    for (const placement of this.build.vehicles) {
      const modelType = placement.modelType ?? ctx.ego.model_type;
      this.world.addVehicle({
        id: placement.id + suffix,
        modelType,
        params: vehicleParams(modelType, ctx.ego.overrides),
        behaviour: mergeBehaviour(ctx.ego.behaviour, placement.behaviour),
        route: placement.route,
        lane: placement.lane,
        s0: placement.s0,
        speed0: placement.speed0_mps,
        sensors: ctx.ego.sensors,
        ...(ctx.ego.policy !== undefined ? { policy: ctx.ego.policy } : {}),
        ...(this.build.endSpeed !== undefined ? { endSpeed: this.build.endSpeed } : {}),
      });
    }
    for (const a of this.build.actors) {
      this.world.addActor(
        new ScriptedActor(a.id + suffix, a.cls, new Path(a.path), a.s0, a.speed, a.offset, a.length, a.width),
      );
    }
    this.pendingFaults = [...this.build.faults].sort((a, b) => a.t - b.t);
  }

  get id(): string {
    return this.options.id;
  }

  /** Faults due by now, applied to their sensors; returns them (for the ledger). */
  applyDueFaults(): { vehicle: Vehicle; fault: TimedFault }[] {
    const applied: { vehicle: Vehicle; fault: TimedFault }[] = [];
    while (this.pendingFaults.length > 0 && (this.pendingFaults[0] as TimedFault).t <= this.world.t + 1e-9) {
      const fault = this.pendingFaults.shift() as TimedFault;
      const vehicle = this.world.vehicles.find((v) => v.id === fault.vehicle + this.options.suffix);
      const sensor = vehicle?.sensors.find((s) => s.spec.id === fault.sensor);
      if (vehicle === undefined || sensor === undefined) continue;
      Object.assign(sensor.faults, fault.fault);
      applied.push({ vehicle, fault });
    }
    return applied;
  }

  get maxSteps(): number {
    return Math.round(this.build.maxDurationS / this.options.dt);
  }

  finished(): boolean {
    return this.world.done() || this.world.stepCount >= this.maxSteps;
  }

  result(): CaseResult {
    const { type, params, ctx } = this.options;
    const scores: Scores = {
      ...commonScores(this.world),
      ...(type.extraScores?.(this.world, params, this.build) ?? {}),
    };
    const criteria = evaluate([...type.criteria(params, ctx), ...this.options.extraCriteria], scores);
    return {
      case: this.id,
      params,
      verdict: criteria.every((c) => c.passed) ? 'pass' : 'fail',
      criteria,
      scores,
    };
  }
}
