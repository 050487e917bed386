import { z } from 'zod';
import { Path, type Point } from '../models/path.js';
import { Route, type StopLine } from '../models/route.js';
import type { World } from '../models/world.js';
import { filleted, LANE_WIDTH, linkLength, shortestPath, straightRoad, type Network } from './roads.js';
import type { ActorPlacement, CaseBuild, CaseContext, ScenarioType, Scores, VehiclePlacement } from './types.js';

const round = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d;

/** Energy per km a healthy vehicle of each type should stay under on the urban cycle (diesel: its kWh of fuel). */
const ENERGY_LIMIT_KWH_PER_KM: Readonly<Record<string, number>> = { sedan: 0.2, van: 0.32, truck: 3.5, bus: 1.4 };

const fuelParams = z.strictObject({
  cruise_speed: z.number().min(10).max(130).default(70).describe('Set speed, km/h (capped by the limits).'),
  eco: z.boolean().default(true).describe('Gentle acceleration (1 m/s²) instead of 2 m/s².'),
  max_energy_kwh_per_km: z.number().positive().optional().describe('Limit (default by model type).'),
  max_travel_time_s: z.number().positive().default(420),
});
type FuelParams = z.infer<typeof fuelParams>;

export const fuelEfficiency: ScenarioType<FuelParams> = {
  type: 'fuel_efficiency',
  category: 'performance',
  title: 'Fuel and energy efficiency (urban cycle)',
  description:
    "A 3 km urban route with 50, 30 (school) and 70 km/h sections and three signalised junctions. Scores energy (or diesel) per km and travel time; passes under the model type's energy limit, in time and without a red-light violation.",
  params: fuelParams,
  build(p) {
    const timing = (offset: number) => ({ green_s: 30, amber_s: 3, red_s: 25, offset_s: offset });
    const stopLines: StopLine[] = [
      { s: 700, signal: 'junction-1', timing: timing(0) },
      { s: 1500, signal: 'junction-2', timing: timing(20) },
      { s: 2300, signal: 'junction-3', timing: timing(40) },
    ];
    const { route, road } = straightRoad('urban', {
      length: 3000,
      limitKmh: 50,
      zones: [
        { s0: 900, s1: 1200, v: 30 / 3.6 },
        { s0: 1800, s1: 2800, v: 70 / 3.6 },
      ],
      stopLines,
    });
    return {
      vehicles: [
        {
          id: 'ego',
          route,
          lane: 0,
          s0: 0,
          speed0_mps: 0,
          behaviour: {
            cruise_speed_kmh: p.cruise_speed,
            acc: {
              enabled: true,
              time_gap_s: 1.8,
              min_gap_m: 5,
              max_accel_mps2: p.eco ? 1 : 2,
              max_decel_mps2: p.eco ? 2 : 3.5,
            },
          },
        },
      ],
      actors: [],
      faults: [],
      roads: [road],
      maxDurationS: 600,
      references: {},
    };
  },
  criteria: (p, ctx) => [
    {
      name: 'energy per km',
      score: 'energy_kwh_per_km',
      op: '<=',
      limit: p.max_energy_kwh_per_km ?? ENERGY_LIMIT_KWH_PER_KM[ctx.ego.model_type] ?? 0.2,
      unit: 'kWh/km',
    },
    { name: 'travel time', score: 'travel_time_s', op: '<=', limit: p.max_travel_time_s, unit: 's' },
    { name: 'red lights respected', score: 'red_light_violations', op: '<=', limit: 0, unit: '' },
  ],
};

const routeParams = z.strictObject({
  from: z.string().default('n00').describe('Origin node (grid nodes n<col><row>).'),
  to: z.string().default('n33').describe('Destination node.'),
  closure_delay_s: z.number().min(0).default(180).describe('Delay on the roadworks link (n03 – n13).'),
  max_time_ratio: z
    .number()
    .positive()
    .default(1.6)
    .describe('Travel time / planned time limit (the plan counts links at their limits, no corners or starts).'),
});
type RouteParams = z.infer<typeof routeParams>;

const BLOCK_M = 300;

/** A 4 × 4 grid: the outer ring and the middle avenue are arterials (70 km/h), inner streets are 30 km/h. */
function grid(closureDelay: number): Network {
  const nodes = new Map<string, Point>();
  for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) nodes.set(`n${c}${r}`, [c * BLOCK_M, r * BLOCK_M]);
  const links: { from: string; to: string; limitKmh: number; delayS: number }[] = [];
  const add = (a: string, b: string, limitKmh: number, delayS = 0): void => {
    links.push({ from: a, to: b, limitKmh, delayS }, { from: b, to: a, limitKmh, delayS });
  };
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) {
      const arterialRow = r === 0 || r === 3 || r === 1;
      const arterialCol = c === 0 || c === 3;
      if (c < 3) add(`n${c}${r}`, `n${c + 1}${r}`, arterialRow ? 70 : 30, c === 0 && r === 3 ? closureDelay : 0);
      if (r < 3) add(`n${c}${r}`, `n${c}${r + 1}`, arterialCol ? 70 : 30);
    }
  }
  return { nodes, links };
}

function routeTime(net: Network, nodes: readonly string[]): number {
  let t = 0;
  for (let i = 1; i < nodes.length; i++) {
    const link = net.links.find((l) => l.from === nodes[i - 1] && l.to === nodes[i]);
    if (link !== undefined) t += linkLength(net, link) / (link.limitKmh / 3.6) + link.delayS;
  }
  return t;
}

function plan(p: RouteParams): { net: Network; fastest: string[]; shortest: string[] } {
  const net = grid(p.closure_delay_s);
  if (!net.nodes.has(p.from) || !net.nodes.has(p.to))
    throw new RangeError(`unknown node ${p.from} or ${p.to} (n00..n33)`);
  const fastest = shortestPath(net, p.from, p.to, (l) => linkLength(net, l) / (l.limitKmh / 3.6) + l.delayS);
  const shortest = shortestPath(net, p.from, p.to, (l) => linkLength(net, l));
  return { net, fastest, shortest };
}

export const routeOptimization: ScenarioType<RouteParams> = {
  type: 'route_optimization',
  category: 'performance',
  title: 'Route optimisation on a road network',
  description:
    'A 4 × 4 grid of arterials (70 km/h) and streets (30 km/h) with roadworks delaying one link. The vehicle plans the fastest route (Dijkstra on travel time), then drives it; passes when it arrives within the time limit of its plan.',
  params: routeParams,
  build(p) {
    const { net, fastest } = plan(p);
    const nodes = fastest.map((n) => net.nodes.get(n) as Point);
    const path = new Path(filleted(nodes, 15));
    const zones = [];
    for (let i = 1; i < fastest.length; i++) {
      const link = net.links.find((l) => l.from === fastest[i - 1] && l.to === fastest[i]);
      if (link === undefined) continue;
      const a = path.project(...(net.nodes.get(link.from) as Point)).s;
      const b = path.project(...(net.nodes.get(link.to) as Point)).s;
      zones.push({ s0: a, s1: b, v: link.limitKmh / 3.6 });
    }
    const route = new Route(path, 1, LANE_WIDTH, zones, [], []);
    const roads = [];
    const seen = new Set<string>();
    for (const link of net.links) {
      const key = [link.from, link.to].sort().join('-');
      if (seen.has(key)) continue;
      seen.add(key);
      roads.push({
        id: key,
        points: [net.nodes.get(link.from) as Point, net.nodes.get(link.to) as Point],
        lanes: 1,
        lane_width_m: LANE_WIDTH,
      });
    }
    return {
      vehicles: [{ id: 'ego', route, lane: 0, s0: 0, speed0_mps: 0, behaviour: { cruise_speed_kmh: 70 } }],
      actors: [],
      faults: [],
      roads,
      maxDurationS: 900,
      references: { planned_time_s: routeTime(net, fastest) },
    };
  },
  criteria: (p) => [
    { name: 'arrived within the plan', score: 'time_ratio', op: '<=', limit: p.max_time_ratio, unit: '' },
    { name: 'no collision', score: 'collision', op: '==', limit: false, unit: '' },
  ],
  extraScores(world: World, p: RouteParams, build: CaseBuild): Scores {
    const { net, fastest, shortest } = plan(p);
    const planned = build.references.planned_time_s ?? 0;
    const travel = world.vehicles[0]?.metrics.finished_t ?? null;
    const extra = routeTime(net, shortest) - routeTime(net, fastest) - 0;
    // The closure delay is a planning cost only (the link is not taken), so the plan's time is the drive's.
    return {
      route: fastest.join(' → '),
      shortest_route: shortest.join(' → '),
      planned_time_s: round(planned, 1),
      time_saved_vs_shortest_s: round(extra, 1),
      time_ratio: travel === null ? null : round(travel / planned, 3),
    };
  },
};

const flowParams = z.strictObject({
  vehicles: z.int().min(1).max(500).default(8).describe('Automated vehicles in the platoon.'),
  lead_speed: z.number().min(10).max(130).default(80).describe('Mean speed of the lead car, km/h.'),
  wave_amplitude: z.number().min(0).max(60).default(30).describe('Stop-and-go wave: the lead oscillates ± this, km/h.'),
  wave_period_s: z.number().positive().default(20),
  duration_s: z.number().positive().max(3600).default(60),
  min_time_gap_s: z.number().min(0).default(0.8).describe('Time gap the platoon must keep.'),
});
type FlowParams = z.infer<typeof flowParams>;

export const trafficFlow: ScenarioType<FlowParams> = {
  type: 'traffic_flow',
  category: 'performance',
  title: 'Traffic flow: a platoon in a stop-and-go wave',
  description:
    'A platoon of automated vehicles with ACC follows a lead car whose speed oscillates (a stop-and-go wave). Scores the smallest time gap, string stability (speed swing of the last vehicle / of the lead), energy per km.',
  params: flowParams,
  build(p) {
    const v = p.lead_speed / 3.6;
    const spacing = 5 + 1.8 * v + 5;
    const length = spacing * (p.vehicles + 2) + (v + p.wave_amplitude / 3.6) * p.duration_s + 500;
    const { route, road } = straightRoad('highway', { length, limitKmh: 130 });
    const vehicles: VehiclePlacement[] = [];
    for (let k = 0; k < p.vehicles; k++) {
      vehicles.push({
        id: p.vehicles === 1 ? 'ego' : `av${String(k + 1).padStart(3, '0')}`,
        route,
        lane: 0,
        s0: spacing * (p.vehicles - k),
        speed0_mps: v,
        behaviour: { cruise_speed_kmh: p.lead_speed + 30, stop_at_end: false },
      });
    }
    const speed: [number, number][] = [];
    const amp = p.wave_amplitude / 3.6;
    for (let t = 0; t <= p.duration_s + 1; t += 0.5)
      speed.push([t, Math.max(0, v + (t < 5 ? 0 : -amp * Math.sin((2 * Math.PI * (t - 5)) / p.wave_period_s)))]);
    const lead: ActorPlacement = {
      id: 'lead',
      cls: 'vehicle',
      path: road.points,
      s0: spacing * (p.vehicles + 1),
      speed,
      offset: [[0, 0]],
      length: 4.6,
      width: 1.85,
    };
    return { vehicles, actors: [lead], faults: [], roads: [road], maxDurationS: p.duration_s, references: {} };
  },
  criteria: (p) => [
    { name: 'no collision', score: 'collision', op: '==', limit: false, unit: '' },
    { name: 'time gap kept', score: 'min_time_gap_s', op: '>=', limit: p.min_time_gap_s, unit: 's' },
    { name: 'string stable', score: 'string_amplification', op: '<=', limit: 1.05, unit: '' },
  ],
  extraScores(world: World, p: FlowParams): Scores {
    let minGap = Infinity;
    for (const v of world.vehicles) minGap = Math.min(minGap, v.metrics.min_time_gap);
    const last = world.vehicles[world.vehicles.length - 1];
    // The speed range is taken after the first 10 s: a shorter run has none, and its amplification is unknown.
    const swing =
      last === undefined || last.metrics.speed_min > last.metrics.speed_max
        ? null
        : last.metrics.speed_max - last.metrics.speed_min;
    const leadSwing = (2 * p.wave_amplitude) / 3.6;
    return {
      min_time_gap_s: Number.isFinite(minGap) ? round(minGap) : null,
      string_amplification: leadSwing > 0 && swing !== null ? round(swing / leadSwing) : null,
      vehicles: world.vehicles.length,
    };
  },
};

const parkingParams = z.strictObject({
  approach_speed: z.number().positive().max(15).default(6).describe('Speed along the aisle, km/h.'),
  turn_radius_m: z.number().min(4).max(15).default(6.5),
  max_position_error_m: z.number().positive().default(0.5),
  max_heading_error_deg: z.number().positive().default(3),
});
type ParkingParams = z.infer<typeof parkingParams>;

export const parkingManeuvers: ScenarioType<ParkingParams> = {
  type: 'parking_maneuvers',
  category: 'performance',
  title: 'Parking: forward into a perpendicular bay',
  description:
    "Along a car-park aisle, then a right turn into a 2.6 m bay between two parked cars, stopping with the front bumper at the bay's end. Scores the final position and heading errors and the clearance to the neighbours.",
  params: parkingParams,
  build(p) {
    const r = p.turn_radius_m;
    const bayX = 30 + r;
    const bayDepth = 5.2;
    const endY = -r - 2 - bayDepth;
    const points: Point[] = [
      [0, 0],
      [bayX, 0],
      [bayX, endY],
    ];
    const path = new Path(filleted(points, r, 24));
    const route = new Route(path, 1, LANE_WIDTH, [{ s0: -Infinity, s1: Infinity, v: 10 / 3.6 }], [], []);
    const parked = (id: string, x: number): ActorPlacement => ({
      id,
      cls: 'vehicle',
      path: [
        [x, 0],
        [x, -100],
      ],
      s0: r + 2 + 2.45,
      speed: [[0, 0]],
      offset: [[0, 0]],
      length: 4.7,
      width: 1.85,
    });
    return {
      vehicles: [
        {
          id: 'ego',
          route,
          lane: 0,
          s0: 0,
          speed0_mps: 0,
          behaviour: {
            cruise_speed_kmh: p.approach_speed,
            aeb: { enabled: false, warning_ttc_s: 2.8, partial_ttc_s: 2.1, full_ttc_s: 1.5, partial_decel_mps2: 4 },
            acc: { enabled: false, time_gap_s: 1.8, min_gap_m: 5, max_accel_mps2: 1, max_decel_mps2: 1.5 },
            lane_keeping: { enabled: true, lookahead_s: 0.5, lookahead_min_m: 2.5 },
            lane_change: { enabled: false, lateral_speed_mps: 1, trigger_time_s: 4 },
          },
        },
      ],
      actors: [parked('parked-left', bayX + 2.6), parked('parked-right', bayX - 2.6)],
      faults: [],
      roads: [
        {
          id: 'aisle',
          points: [
            [-5, 0],
            [bayX + 15, 0],
          ],
          lanes: 1,
          lane_width_m: 6,
        },
        {
          id: 'bay',
          points: [
            [bayX, -r - 2],
            [bayX, endY],
          ],
          lanes: 1,
          lane_width_m: 2.6,
        },
      ],
      maxDurationS: 90,
      references: { target_x: bayX, target_y: endY },
    };
  },
  criteria: (p) => [
    { name: 'no contact', score: 'collision', op: '==', limit: false, unit: '' },
    { name: 'position', score: 'final_position_error_m', op: '<=', limit: p.max_position_error_m, unit: 'm' },
    { name: 'heading', score: 'final_heading_error_deg', op: '<=', limit: p.max_heading_error_deg, unit: '°' },
  ],
  extraScores(world: World, _p: ParkingParams, build: CaseBuild): Scores {
    const ego = world.vehicles[0];
    if (ego === undefined) return {};
    const front = ego.frontPoint();
    const tx = build.references.target_x ?? 0;
    const ty = build.references.target_y ?? 0;
    const headingErr = Math.abs(
      Math.atan2(Math.sin(ego.body.heading + Math.PI / 2), Math.cos(ego.body.heading + Math.PI / 2)),
    );
    return {
      final_position_error_m: round(Math.hypot(front.x - tx, front.y - ty)),
      final_heading_error_deg: round((headingErr * 180) / Math.PI, 2),
    };
  },
};

export const PERFORMANCE_TYPES = [fuelEfficiency, routeOptimization, trafficFlow, parkingManeuvers] as const;
export type { CaseContext };
