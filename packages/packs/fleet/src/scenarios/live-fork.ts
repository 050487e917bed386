import { idString } from '@doppel/twin';
import { MAX_FORK_DURATION_S, MAX_FORK_VEHICLES } from '@doppel/twin/contracts';
import { z } from 'zod';
import { MODEL_TYPES, vehicleParams } from '../models/vehicle-types.js';
import { straightRoad } from './roads.js';
import type { ScenarioType, VehiclePlacement } from './types.js';

/** The most a vehicle's set speed can be (the behaviour's bound), km/h. */
const MAX_SET_SPEED_KMH = 200;
/** Road drawn behind each vehicle, m, so the scene shows where it came from. */
const BEHIND_M = 20;

const finite = (min: number, max: number) => z.number().min(min).max(max);

const forkedVehicleSchema = z.strictObject({
  id: idString().describe('The mirrored vehicle; its asset in the fork has this id.'),
  model_type: z.enum(MODEL_TYPES).default('sedan'),
  x_m: finite(-1e7, 1e7),
  y_m: finite(-1e7, 1e7),
  heading_deg: finite(-360, 360),
  speed_mps: finite(0, 150),
});

const liveForkParams = z.strictObject({
  vehicles: z
    .array(forkedVehicleSchema)
    .min(1)
    .max(MAX_FORK_VEHICLES)
    .superRefine((vehicles, ctx) => {
      const seen = new Set<string>();
      vehicles.forEach((v, i) => {
        if (seen.has(v.id)) ctx.addIssue({ code: 'custom', message: `vehicle ${v.id} listed twice`, path: [i, 'id'] });
        seen.add(v.id);
      });
    })
    .describe('The vehicles as last measured: where they were, heading and speed.'),
  duration_s: z.number().min(1).max(MAX_FORK_DURATION_S).default(30).describe('How long the fork runs, s.'),
});
type LiveForkParams = z.infer<typeof liveForkParams>;

/**
 * A what-if copy of the live fleet: every mirrored vehicle starts where it was last measured, on a straight road
 * along its heading, at its measured speed, which it holds as its set speed (ACC, AEB and lane keeping on). Vehicles
 * share one world, so a vehicle that brakes in front of another is seen, followed or hit. The change to try (brake
 * now, switch the AEB off, a sensor fault) is an intervention on the fork.
 */
export const liveFork: ScenarioType<LiveForkParams> = {
  type: 'live_fork',
  category: 'safety',
  title: 'What-if fork of the live fleet',
  description:
    'The mirrored physical vehicles copied at their last measurement (position, heading, speed), each holding its speed on a straight road along its heading; interventions on the copy try a change. Passes without a collision.',
  params: liveForkParams,
  build(p) {
    const vehicles: VehiclePlacement[] = [];
    const roads = [];
    for (const v of p.vehicles) {
      const h = (v.heading_deg * Math.PI) / 180;
      // Long enough for the whole run at the highest set speed an intervention may give.
      const length = BEHIND_M + (MAX_SET_SPEED_KMH / 3.6) * p.duration_s + 100;
      const { route, road } = straightRoad(`road-${v.id}`, {
        length,
        limitKmh: MAX_SET_SPEED_KMH,
        x0: v.x_m - BEHIND_M * Math.cos(h),
        y0: v.y_m - BEHIND_M * Math.sin(h),
        heading_deg: v.heading_deg,
      });
      roads.push(road);
      // A vehicle's position is its rear axle's (as the twin's own vehicle states give it); its front is placed.
      const params = vehicleParams(v.model_type, {});
      vehicles.push({
        id: v.id,
        route,
        lane: 0,
        s0: BEHIND_M + params.wheelbase_m + params.front_overhang_m,
        speed0_mps: v.speed_mps,
        modelType: v.model_type,
        behaviour: { cruise_speed_kmh: Math.min(MAX_SET_SPEED_KMH, v.speed_mps * 3.6), stop_at_end: false },
      });
    }
    return { vehicles, actors: [], faults: [], roads, maxDurationS: p.duration_s, references: {} };
  },
  criteria: () => [{ name: 'no collision', score: 'collision', op: '==', limit: false, unit: '' }],
  extraScores: (world) => ({ vehicles: world.vehicles.length }),
};
