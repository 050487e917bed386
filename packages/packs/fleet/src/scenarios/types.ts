import type { DrivingPolicy } from '../models/policy.js';
import type { z } from 'zod';
import type { Keyframe, ObjectClass } from '../models/objects.js';
import type { Point } from '../models/path.js';
import type { Route } from '../models/route.js';
import type { SensorFaults, SensorSpecInput } from '../models/sensors.js';
import type { World } from '../models/world.js';
import type { BehaviourConfig } from '../models/behaviour.js';
import type { ModelType, VehicleOverrides } from '../models/vehicle-types.js';

export const CATEGORIES = ['safety', 'performance', 'edge_cases'] as const;
export type Category = (typeof CATEGORIES)[number];

/** The vehicle under test as the scenario file describes it (its entity). */
export interface EgoEntity {
  readonly model_type: ModelType;
  readonly overrides: VehicleOverrides;
  readonly sensors: readonly SensorSpecInput[];
  readonly behaviour: BehaviourConfig;
  /** A user-supplied driving policy, in place of speed control and ACC. */
  readonly policy?: DrivingPolicy;
}

/** A vehicle under test placed in a case. */
export interface VehiclePlacement {
  readonly id: string;
  readonly route: Route;
  readonly lane: number;
  readonly s0: number;
  readonly speed0_mps: number;
  /** Changes to the entity's behaviour for this case (e.g. the set speed of the sweep). */
  readonly behaviour?: Partial<BehaviourConfig>;
  /** A model type other than the entity's (a fork of the live fleet mixes sedans, vans, trucks and buses). */
  readonly modelType?: ModelType;
}

/** Other traffic, a pedestrian or an obstacle, on a path with scripted speed and offset. */
export interface ActorPlacement {
  readonly id: string;
  readonly cls: ObjectClass;
  readonly path: Point[];
  readonly s0: number;
  readonly speed: Keyframe[];
  readonly offset: Keyframe[];
  readonly length: number;
  readonly width: number;
}

/** A fault the storyboard applies at a time (sensor_failure), as an intervention would. */
export interface TimedFault {
  readonly t: number;
  readonly vehicle: string;
  readonly sensor: string;
  readonly fault: Partial<SensorFaults>;
}

/** What a display draws besides the objects: road surfaces, lane count and width, stop lines, closures. */
export interface SceneRoad {
  readonly id: string;
  readonly points: Point[];
  readonly lanes: number;
  readonly lane_width_m: number;
}

export interface CaseBuild {
  readonly vehicles: readonly VehiclePlacement[];
  readonly actors: readonly ActorPlacement[];
  readonly faults: readonly TimedFault[];
  readonly roads: readonly SceneRoad[];
  /** Longest the case may run, s (it ends earlier when every vehicle under test has finished). */
  readonly maxDurationS: number;
  /** Analytic references the run is compared with (scenario accuracy), by score name. */
  readonly references: Readonly<Record<string, number>>;
  /** After emergency braking a vehicle's run ends once its speed is down to this (default 0, standstill). */
  readonly endSpeed?: number;
}

export type Scores = Record<string, number | boolean | string | null>;

export interface CriterionSpec {
  readonly name: string;
  readonly score: string;
  readonly op: '<=' | '>=' | '==';
  readonly limit: number | boolean;
  readonly unit: string;
}

export interface CriterionResult extends CriterionSpec {
  readonly value: number | boolean | string | null;
  readonly passed: boolean;
}

export interface CaseContext {
  readonly ego: EgoEntity;
  readonly weather: string;
  readonly mu: number;
}

/** One type of the scenario library: its parameters, how a case is built, what it scores and what passes. */
export interface ScenarioType<P extends Record<string, unknown>> {
  readonly type: string;
  readonly category: Category;
  readonly title: string;
  readonly description: string;
  /** Parameters with defaults (numbers can be swept). */
  readonly params: z.ZodType<P>;
  /** The parameter a library run sweeps over, with its values (Euro NCAP-style speed sweeps). */
  readonly librarySweep?: { readonly param: string; readonly values: readonly (number | string)[] };
  build(params: P, ctx: CaseContext): CaseBuild;
  criteria(params: P, ctx: CaseContext): CriterionSpec[];
  /** Scores beyond the common ones (parking error, route chosen, string stability...). */
  extraScores?(world: World, params: P, build: CaseBuild): Scores;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyScenarioType = ScenarioType<any>;
