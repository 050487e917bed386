import { z } from 'zod';
import { arcPoints, Path, type Point } from '../models/path.js';
import { Route } from '../models/route.js';
import { SENSOR_TYPES, WEATHERS } from '../models/weather.js';
import { LANE_WIDTH, straightRoad } from './roads.js';
import { brakingScores } from './safety.js';
import type { ActorPlacement, ScenarioType } from './types.js';

const noCollision = { name: 'no collision', score: 'collision', op: '==', limit: false, unit: '' } as const;

const sensorFailureParams = z.strictObject({
  initial_speed: z.number().min(5).max(150).default(50).describe('Speed towards a stationary car, km/h.'),
  sensor: z.enum(SENSOR_TYPES).default('radar').describe('The sensor that fails.'),
  fault: z.enum(['dropout', 'frozen', 'bias']).default('dropout'),
  fault_time_s: z.number().min(0).default(1).describe('When the fault begins.'),
  bias_range_m: z.number().default(6).describe('Range bias of a `bias` fault (positive: objects seem farther).'),
  bias_bearing_deg: z.number().default(0),
});
type SensorFailureParams = z.infer<typeof sensorFailureParams>;

export const sensorFailure: ScenarioType<SensorFailureParams> = {
  type: 'sensor_failure',
  category: 'edge_cases',
  title: 'Sensor failure on approach to a stationary car',
  description:
    'A CCRs approach during which one sensor fails: dropout (no output), frozen (its last frame repeated; fusion ignores repeated frames) or bias (every range and bearing offset). The remaining sensors must still bring the vehicle to a stop.',
  params: sensorFailureParams,
  librarySweep: { param: 'initial_speed', values: [30, 50, 70] },
  build(p) {
    const v = p.initial_speed / 3.6;
    const { route, road } = straightRoad('road', { length: 1500, limitKmh: 200 });
    const gap = Math.max(60, v * 4.5);
    const fault =
      p.fault === 'dropout'
        ? { dropout: true }
        : p.fault === 'frozen'
          ? { frozen: true }
          : { bias_range_m: p.bias_range_m, bias_bearing_deg: p.bias_bearing_deg };
    return {
      vehicles: [
        {
          id: 'ego',
          route,
          lane: 0,
          s0: 10,
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
          s0: 10 + gap + 2.25,
          speed: [[0, 0]],
          offset: [[0, 0]],
          length: 4.5,
          width: 1.85,
        },
      ],
      faults: [{ t: p.fault_time_s, vehicle: 'ego', sensor: p.sensor, fault }],
      roads: [road],
      maxDurationS: 30,
      references: {},
    };
  },
  criteria: () => [noCollision],
  extraScores: (world) => brakingScores(world),
};

const weatherParams = z.strictObject({
  weather: z.enum(WEATHERS).default('snow'),
  initial_speed: z.number().min(10).max(150).default(80).describe('Set speed, km/h (the vehicle adapts it).'),
  curve_radius_m: z.number().min(30).max(2000).default(200),
  target_after_curve_m: z.number().min(30).default(150).describe('A stopped car this far after the bend.'),
});
type WeatherParams = z.infer<typeof weatherParams>;

export const weatherExtremes: ScenarioType<WeatherParams> = {
  type: 'weather_extremes',
  category: 'edge_cases',
  title: 'Weather extremes: a bend, then a stopped car',
  description:
    'A 90° bend followed by a stopped car, in snow, ice, fog, rain or at night: friction limits braking and cornering, visibility limits the sensors. The vehicle must adapt its speed and gap, keep its lane and stop in time.',
  params: weatherParams,
  librarySweep: { param: 'weather', values: ['dry', 'wet', 'snow', 'ice', 'fog', 'night'] },
  build(p) {
    const v = p.initial_speed / 3.6;
    const r = p.curve_radius_m;
    const straightIn = 300;
    const points: Point[] = [[0, 0], ...arcPoints([straightIn, 0], 0, r, Math.PI / 2, 48)];
    const exit = points[points.length - 1] as Point;
    points.push([exit[0], exit[1] + 800]);
    const path = new Path(points);
    const route = new Route(path, 1, LANE_WIDTH, [{ s0: -Infinity, s1: Infinity, v: 130 / 3.6 }], [], []);
    const curveEnd = straightIn + (Math.PI / 2) * r;
    const target: ActorPlacement = {
      id: 'stopped-car',
      cls: 'vehicle',
      path: points,
      s0: curveEnd + p.target_after_curve_m + 2.25,
      speed: [[0, 0]],
      offset: [[0, 0]],
      length: 4.5,
      width: 1.85,
    };
    return {
      vehicles: [
        {
          id: 'ego',
          route,
          lane: 0,
          s0: 10,
          speed0_mps: v * 0.6,
          behaviour: { cruise_speed_kmh: p.initial_speed, stop_at_end: false },
        },
      ],
      actors: [target],
      faults: [],
      roads: [{ id: 'road', points, lanes: 1, lane_width_m: LANE_WIDTH }],
      maxDurationS: 90,
      references: {},
      endSpeed: 0,
    };
  },
  criteria: () => [noCollision, { name: 'lane kept', score: 'lane_departures', op: '<=', limit: 0, unit: '' }],
};

const constructionParams = z.strictObject({
  initial_speed: z.number().min(10).max(150).default(100),
  zone_speed: z.number().min(5).max(130).default(50).describe('Limit through the works, km/h.'),
  zone_start_m: z.number().min(100).default(600),
  zone_length_m: z.number().min(20).default(300),
  workers: z.boolean().default(true).describe('A worker stands by the closed lane inside the zone.'),
  speed_tolerance_kmh: z.number().min(0).default(5),
});
type ConstructionParams = z.infer<typeof constructionParams>;

export const constructionZones: ScenarioType<ConstructionParams> = {
  type: 'construction_zones',
  category: 'edge_cases',
  title: 'Construction zone: lane closure and a lower limit',
  description:
    'A two-lane road whose right lane is closed by roadworks (a barrier at the start, a worker inside) with a lower limit through the zone. The vehicle must slow down in time, merge left, keep to the limit and lane, and hit nothing.',
  params: constructionParams,
  build(p) {
    const s0 = p.zone_start_m;
    const s1 = s0 + p.zone_length_m;
    const { route, road } = straightRoad('road', {
      length: s1 + 600,
      lanes: 2,
      limitKmh: Math.max(p.initial_speed, 50),
      zones: [{ s0, s1, v: p.zone_speed / 3.6 }],
      closures: [{ s0, s1, lane: 0 }],
    });
    const actors: ActorPlacement[] = [
      {
        id: 'barrier',
        cls: 'obstacle',
        path: road.points,
        s0: s0 + 1,
        speed: [[0, 0]],
        offset: [[0, 0]],
        length: 2,
        width: 3,
      },
    ];
    if (p.workers) {
      actors.push({
        id: 'worker',
        cls: 'pedestrian',
        path: road.points,
        s0: s0 + p.zone_length_m / 2,
        speed: [[0, 0]],
        offset: [[0, 0.3]],
        length: 0.5,
        width: 0.6,
      });
    }
    return {
      vehicles: [
        {
          id: 'ego',
          route,
          lane: 0,
          s0: 10,
          speed0_mps: p.initial_speed / 3.6,
          behaviour: { cruise_speed_kmh: p.initial_speed },
        },
      ],
      actors,
      faults: [],
      roads: [road],
      maxDurationS: 120,
      references: {},
    };
  },
  criteria: (p) => [
    noCollision,
    { name: 'zone limit kept', score: 'max_over_limit_kmh', op: '<=', limit: p.speed_tolerance_kmh, unit: 'km/h' },
    { name: 'lane kept', score: 'lane_departures', op: '<=', limit: 0, unit: '' },
  ],
};

const unusualParams = z.strictObject({
  pattern: z.enum(['cut_in', 'cut_out', 'sudden_braking']).default('cut_in'),
  initial_speed: z.number().min(10).max(150).default(100),
  other_speed: z.number().min(0).max(150).default(70).describe('Speed of the car that cuts in (or the lead), km/h.'),
  gap_m: z.number().min(3).max(200).default(20).describe('Gap at which the manoeuvre begins.'),
  lead_decel_mps2: z.number().positive().max(10).default(8).describe("sudden_braking: the lead's deceleration."),
});
type UnusualParams = z.infer<typeof unusualParams>;

export const unusualTrafficPatterns: ScenarioType<UnusualParams> = {
  type: 'unusual_traffic_patterns',
  category: 'edge_cases',
  title: 'Unusual traffic: cut-in, cut-out, sudden braking',
  description:
    'cut_in: a slower car from the next lane cuts in close ahead; cut_out: the lead swerves away to reveal a stopped car; sudden_braking: the lead brakes hard. The vehicle follows with ACC and must not collide.',
  params: unusualParams,
  librarySweep: { param: 'pattern', values: ['cut_in', 'cut_out', 'sudden_braking'] },
  build(p) {
    const v = p.initial_speed / 3.6;
    const vo = p.other_speed / 3.6;
    const { route, road } = straightRoad('road', { length: 3000, lanes: 2, limitKmh: 130 });
    const s0 = 10;
    const actors: ActorPlacement[] = [];
    let ego = { speed0: v, cruise: p.initial_speed };
    if (p.pattern === 'cut_in') {
      // The other car runs in the left lane, and cuts in when the ego is `gap_m` behind it (over 2 s).
      const tCut = 3;
      const sOther = s0 + v * tCut - vo * tCut + p.gap_m + 2.3;
      actors.push({
        id: 'cutter',
        cls: 'vehicle',
        path: road.points,
        s0: sOther,
        speed: [[0, vo]],
        offset: [
          [0, LANE_WIDTH],
          [tCut, LANE_WIDTH],
          [tCut + 2, 0],
        ],
        length: 4.6,
        width: 1.85,
      });
    } else if (p.pattern === 'cut_out') {
      const follow = 5 + 1.8 * v;
      const tOut = 4;
      actors.push({
        id: 'lead',
        cls: 'vehicle',
        path: road.points,
        s0: s0 + follow + 2.3,
        speed: [[0, v]],
        offset: [
          [0, 0],
          [tOut, 0],
          [tOut + 1.5, LANE_WIDTH],
        ],
        length: 4.6,
        width: 1.85,
      });
      const stoppedAt = s0 + follow + v * tOut + p.gap_m + 2.3 + 5;
      actors.push({
        id: 'stopped-car',
        cls: 'vehicle',
        path: road.points,
        s0: stoppedAt,
        speed: [[0, 0]],
        offset: [[0, 0]],
        length: 4.5,
        width: 1.85,
      });
      ego = { speed0: v, cruise: p.initial_speed };
    } else {
      const follow = 5 + 1.8 * v;
      const tBrake = 4;
      actors.push({
        id: 'lead',
        cls: 'vehicle',
        path: road.points,
        s0: s0 + follow + 2.3,
        speed: [
          [0, v],
          [tBrake, v],
          [tBrake + v / p.lead_decel_mps2, 0],
        ],
        offset: [[0, 0]],
        length: 4.6,
        width: 1.85,
      });
    }
    return {
      vehicles: [
        {
          id: 'ego',
          route,
          lane: 0,
          s0,
          speed0_mps: ego.speed0,
          behaviour: {
            cruise_speed_kmh: ego.cruise,
            lane_change: { enabled: false, lateral_speed_mps: 1.2, trigger_time_s: 4 },
            stop_at_end: false,
          },
        },
      ],
      actors,
      faults: [],
      roads: [road],
      maxDurationS: 25,
      references: {},
    };
  },
  criteria: () => [noCollision],
};

export const EDGE_CASE_TYPES = [sensorFailure, weatherExtremes, constructionZones, unusualTrafficPatterns] as const;
