import { z } from 'zod';
import { analyticStoppingDistance } from '../models/dynamics.js';
import type { Point } from '../models/path.js';
import type { World } from '../models/world.js';
import { LANE_WIDTH, straightRoad } from './roads.js';
import type { ActorPlacement, CriterionSpec, ScenarioType, Scores } from './types.js';

const kmh = (min: number, max: number, value: number) => z.number().min(min).max(max).default(value);
const SPEED_SWEEP = [10, 20, 30, 40, 50, 60, 70, 80] as const;

/** Collision-free, or an impact no faster than the limit (0 by default: avoidance is required). */
function collisionCriteria(maxImpactKmh: number): CriterionSpec[] {
  return maxImpactKmh > 0
    ? [{ name: 'impact speed', score: 'impact_speed_kmh', op: '<=', limit: maxImpactKmh, unit: 'km/h' }]
    : [{ name: 'no collision', score: 'collision', op: '==', limit: false, unit: '' }];
}

/**
 * Braking accuracy of the run: the distance from the instant the brakes reached the friction limit to standstill,
 * against the analytic stop from that speed (µ·g plus rolling resistance plus drag, closed form).
 */
export function brakingScores(world: World): Scores {
  const ego = world.vehicles[0];
  const m = ego?.metrics;
  if (ego === undefined || m === undefined || m.limit_braking_speed === null || m.limit_braking_distance === null) {
    return { limit_braking_distance_m: null, limit_braking_reference_m: null, braking_accuracy: null };
  }
  const reference = analyticStoppingDistance(ego.params, m.limit_braking_speed, world.road.mu, 0);
  const simulated = m.limit_braking_distance;
  return {
    limit_braking_distance_m: Math.round(simulated * 1000) / 1000,
    limit_braking_reference_m: Math.round(reference * 1000) / 1000,
    braking_accuracy: Math.round((1 - Math.abs(simulated - reference) / reference) * 1e4) / 1e4,
  };
}

const emergencyParams = z.strictObject({
  initial_speed: kmh(5, 200, 50).describe('Speed of the vehicle under test, km/h.'),
  target: z.enum(['stationary', 'moving', 'braking']).default('stationary').describe('Euro NCAP CCRs, CCRm or CCRb.'),
  target_speed: kmh(0, 200, 20).describe('Moving target speed (CCRm), km/h; CCRb targets start at initial_speed.'),
  headway_m: z.number().min(2).max(200).default(12).describe('CCRb: initial gap to the braking target.'),
  target_decel_mps2: z.number().positive().max(10).default(6).describe('CCRb: deceleration of the target.'),
  max_impact_speed_kmh: z
    .number()
    .min(0)
    .default(0)
    .describe('Impact speed allowed (0: the collision must be avoided).'),
});
type EmergencyParams = z.infer<typeof emergencyParams>;

export const emergencyBraking: ScenarioType<EmergencyParams> = {
  type: 'emergency_braking',
  category: 'safety',
  title: 'Emergency braking (AEB car-to-car rear)',
  description:
    "Euro NCAP AEB car-to-car rear shapes: a stationary target (CCRs), a slower target (CCRm) or a target braking ahead (CCRb), 100% overlap. The vehicle holds its speed (no ACC) until the AEB acts; the run ends at standstill or when its speed is down to the target's.",
  params: emergencyParams,
  librarySweep: { param: 'initial_speed', values: SPEED_SWEEP },
  build(p) {
    const v = p.initial_speed / 3.6;
    const { route, road } = straightRoad('road', { length: 2000, limitKmh: 200 });
    const targetLength = 4.5;
    const ccrb = p.target === 'braking';
    const targetV = p.target === 'stationary' ? 0 : ccrb ? v : p.target_speed / 3.6;
    // Start 4 s of closing time away (at least 60 m), the test's steady-state phase.
    const closing = Math.max(v - targetV, 1);
    const gap = ccrb ? p.headway_m : Math.max(60, closing * 4.5);
    const s0 = 10;
    const brakeAt = 2;
    const speed: [number, number][] = ccrb
      ? [
          [0, targetV],
          [brakeAt, targetV],
          [brakeAt + targetV / p.target_decel_mps2, 0],
        ]
      : [[0, targetV]];
    return {
      vehicles: [
        {
          id: 'ego',
          route,
          lane: 0,
          s0,
          speed0_mps: v,
          behaviour: {
            cruise_speed_kmh: p.initial_speed,
            acc: { enabled: false, time_gap_s: 1.8, min_gap_m: 5, max_accel_mps2: 2, max_decel_mps2: 3.5 },
            stop_at_end: false,
          },
        },
      ],
      actors: [
        {
          id: 'target',
          cls: 'vehicle',
          path: road.points,
          s0: s0 + gap + targetLength / 2,
          speed,
          offset: [[0, 0]],
          length: targetLength,
          width: 1.85,
        },
      ],
      faults: [],
      roads: [road],
      maxDurationS: 30,
      references: {},
      endSpeed: p.target === 'moving' ? targetV : 0,
    };
  },
  criteria: (p) => collisionCriteria(p.max_impact_speed_kmh),
  extraScores: (world) => brakingScores(world),
};

const obstacleParams = z.strictObject({
  initial_speed: kmh(5, 150, 60).describe('Speed of the vehicle under test, km/h.'),
  obstacle_distance_m: z.number().min(20).max(1000).default(150).describe('Where the obstacle lies ahead.'),
  adjacent_traffic: z.boolean().default(false).describe('A car in the next lane blocks the evasive lane change.'),
  max_lateral_accel_mps2: z.number().positive().default(4).describe('Comfort and stability limit of the manoeuvre.'),
});
type ObstacleParams = z.infer<typeof obstacleParams>;

export const obstacleAvoidance: ScenarioType<ObstacleParams> = {
  type: 'obstacle_avoidance',
  category: 'safety',
  title: 'Obstacle avoidance (lost cargo)',
  description:
    'A stationary obstacle (lost cargo, 1.2 m wide) lies in the lane of a two-lane road. The vehicle changes lanes around it when the next lane is free, or brakes to a stop when a car in the next lane blocks the way.',
  params: obstacleParams,
  librarySweep: { param: 'initial_speed', values: [30, 50, 70, 90] },
  build(p) {
    const v = p.initial_speed / 3.6;
    const { route, road } = straightRoad('road', { length: 1500, lanes: 2, limitKmh: 130 });
    const actors: ActorPlacement[] = [
      {
        id: 'cargo',
        cls: 'obstacle' as const,
        path: road.points,
        s0: 10 + p.obstacle_distance_m + 0.75,
        speed: [[0, 0]] as [number, number][],
        offset: [[0, 0]] as [number, number][],
        length: 1.5,
        width: 1.2,
      },
    ];
    if (p.adjacent_traffic) {
      actors.push({
        id: 'overtaker',
        cls: 'vehicle' as const,
        path: road.points,
        s0: 0,
        speed: [[0, v * 1.05]],
        offset: [[0, LANE_WIDTH]],
        length: 4.6,
        width: 1.85,
      });
    }
    return {
      vehicles: [
        { id: 'ego', route, lane: 0, s0: 10, speed0_mps: v, behaviour: { cruise_speed_kmh: p.initial_speed } },
      ],
      actors,
      faults: [],
      roads: [road],
      maxDurationS: Math.min(120, (p.obstacle_distance_m + 300) / v + 5),
      references: {},
    };
  },
  criteria: (p) => [
    ...collisionCriteria(0),
    {
      name: 'lateral acceleration',
      score: 'max_lateral_accel_mps2',
      op: '<=',
      limit: p.max_lateral_accel_mps2,
      unit: 'm/s²',
    },
    { name: 'lane discipline', score: 'lane_departures', op: '<=', limit: 0, unit: '' },
  ],
};

const intersectionParams = z.strictObject({
  initial_speed: kmh(5, 100, 50).describe('Speed of the vehicle under test, km/h (it has green).'),
  crossing_speed: kmh(5, 100, 40).describe('Speed of the car running the red light from the right, km/h.'),
  conflict_time_s: z
    .number()
    .min(2)
    .max(20)
    .default(6)
    .describe('When both would reach the conflict point unhindered.'),
});
type IntersectionParams = z.infer<typeof intersectionParams>;

export const intersectionCollision: ScenarioType<IntersectionParams> = {
  type: 'intersection_collision',
  category: 'safety',
  title: 'Intersection: crossing car runs the red light',
  description:
    'The vehicle under test crosses a signalised junction on green; a car from the right runs its red light, timed to reach the conflict point at the same moment. The vehicle must see it coming (lidar and camera field of view) and brake.',
  params: intersectionParams,
  librarySweep: { param: 'initial_speed', values: [20, 30, 40, 50, 60] },
  build(p) {
    const v = p.initial_speed / 3.6;
    const vc = p.crossing_speed / 3.6;
    const junction = 400;
    const main = straightRoad('main', {
      length: 800,
      limitKmh: 70,
      stopLines: [{ s: junction - 6, signal: 'junction', timing: { green_s: 60, amber_s: 3, red_s: 30, offset_s: 0 } }],
    });
    const crossPoints: Point[] = [
      [junction, -400],
      [junction, 400],
    ];
    const egoFrontAtStart = junction - LANE_WIDTH / 2 - v * p.conflict_time_s;
    const crossLength = 4.6;
    const crossFrontStart = 400 - LANE_WIDTH / 2 - vc * p.conflict_time_s;
    return {
      vehicles: [
        {
          id: 'ego',
          route: main.route,
          lane: 0,
          s0: egoFrontAtStart,
          speed0_mps: v,
          behaviour: { cruise_speed_kmh: p.initial_speed },
        },
      ],
      actors: [
        {
          id: 'crossing',
          cls: 'vehicle',
          path: crossPoints,
          s0: crossFrontStart - crossLength / 2,
          speed: [[0, vc]],
          offset: [[0, 0]],
          length: crossLength,
          width: 1.85,
        },
      ],
      faults: [],
      roads: [main.road, { id: 'cross', points: crossPoints, lanes: 1, lane_width_m: LANE_WIDTH }],
      maxDurationS: p.conflict_time_s + 30,
      references: {},
    };
  },
  criteria: () => collisionCriteria(0),
};

const pedestrianParams = z.strictObject({
  initial_speed: kmh(5, 100, 40).describe('Speed of the vehicle under test, km/h.'),
  side: z
    .enum(['nearside', 'farside'])
    .default('nearside')
    .describe('Euro NCAP CPNA (from the right, 5 km/h) or CPFA (from the left, 8 km/h).'),
  pedestrian_speed: z
    .number()
    .positive()
    .max(20)
    .optional()
    .describe('Walking speed, km/h (default 5 nearside, 8 farside).'),
  max_impact_speed_kmh: z
    .number()
    .min(0)
    .default(0)
    .describe('Impact speed allowed (0: the collision must be avoided).'),
});
type PedestrianParams = z.infer<typeof pedestrianParams>;

export const pedestrianCrossing: ScenarioType<PedestrianParams> = {
  type: 'pedestrian_crossing',
  category: 'safety',
  title: 'Pedestrian crossing (AEB pedestrian)',
  description:
    'Euro NCAP AEB pedestrian shapes: an adult walks across from the nearside kerb (CPNA, 5 km/h) or the far side (CPFA, 8 km/h), timed so that without braking the impact would be at the middle of the front (50%).',
  params: pedestrianParams,
  librarySweep: { param: 'initial_speed', values: [20, 30, 40, 50, 60] },
  build(p) {
    const v = p.initial_speed / 3.6;
    const near = p.side === 'nearside';
    const vp = (p.pedestrian_speed ?? (near ? 5 : 8)) / 3.6;
    const conflictS = 300;
    const { route, road } = straightRoad('road', { length: 700, lanes: 1, limitKmh: 100 });
    // The walking line crosses the road at the conflict point; the pedestrian waits at the kerb (nearside) or
    // across the opposite lane (farside), then walks to reach the lane centre in `tc` seconds.
    const startOffset = near ? LANE_WIDTH / 2 + 1.5 : LANE_WIDTH * 1.5 + 1.5;
    const walkTime = startOffset / vp;
    const tc = Math.max(walkTime + 1, 100 / Math.max(v, 1));
    const startWalk = tc - walkTime;
    const line: Point[] = near
      ? [
          [conflictS, -20],
          [conflictS, 20],
        ]
      : [
          [conflictS, 20],
          [conflictS, -20],
        ];
    return {
      vehicles: [
        {
          id: 'ego',
          route,
          lane: 0,
          s0: conflictS - v * tc,
          speed0_mps: v,
          behaviour: { cruise_speed_kmh: p.initial_speed, stop_at_end: false },
        },
      ],
      actors: [
        {
          id: 'pedestrian',
          cls: 'pedestrian',
          path: line,
          s0: 20 - startOffset,
          speed: [
            [0, 0],
            [startWalk, 0],
            [startWalk + 0.01, vp],
          ],
          offset: [[0, 0]],
          length: 0.5,
          width: 0.6,
        },
      ],
      faults: [],
      roads: [road],
      maxDurationS: tc + 15,
      references: {},
      endSpeed: 0,
    };
  },
  criteria: (p) => collisionCriteria(p.max_impact_speed_kmh),
};

export const SAFETY_TYPES = [emergencyBraking, obstacleAvoidance, intersectionCollision, pedestrianCrossing] as const;
