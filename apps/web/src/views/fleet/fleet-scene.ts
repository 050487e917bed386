/**
 * The road scene of one test case as the Fleet view draws it, read from the fleet pack's assets: the case's roads and
 * stop lines, its vehicles under test (rear-axle pose from the state, body and sensor reach from the KPIs) and the
 * other traffic. World coordinates are metres, x east and y north, headings counter-clockwise from east.
 */
import type { AssetStatus } from '../../lib/scales.js';
import type { AssetView } from '../../api/types.js';
import { formatFixed } from '../../lib/format.js';

export const SENSOR_TYPES = ['radar', 'lidar', 'camera'] as const;
export type SensorType = (typeof SENSOR_TYPES)[number];

export interface SceneRoad {
  readonly id: string;
  /** Centre line of the rightmost lane. */
  readonly points: readonly (readonly [number, number])[];
  readonly lanes: number;
  readonly laneWidth: number;
}

export interface SceneStopLine {
  readonly signal: string;
  readonly x: number;
  readonly y: number;
  readonly aspect: 'green' | 'amber' | 'red';
}

export interface SensorCone {
  readonly sensor: SensorType;
  readonly range: number;
  readonly fovRad: number;
}

export interface SceneDetection {
  readonly sensor: string;
  readonly cls: string;
  readonly x: number;
  readonly y: number;
  /** False detections (ghosts) have no object behind them. */
  readonly ghost: boolean;
}

export interface SceneVehicle {
  readonly id: string;
  readonly modelType: string;
  readonly x: number;
  readonly y: number;
  readonly heading: number;
  readonly speedMps: number;
  readonly length: number;
  readonly width: number;
  /** Rear axle to front bumper: the body spans [front − length, front] along the heading. */
  readonly front: number;
  readonly status: AssetStatus;
  readonly aeb: string;
  readonly ttcS: number | null;
  readonly cones: readonly SensorCone[];
  readonly detections: readonly SceneDetection[];
}

export interface SceneActor {
  readonly id: string;
  readonly cls: string;
  readonly x: number;
  readonly y: number;
  readonly heading: number;
  readonly speedMps: number;
  readonly length: number;
  readonly width: number;
}

export interface Scene {
  readonly caseId: string;
  readonly roads: readonly SceneRoad[];
  readonly stopLines: readonly SceneStopLine[];
  readonly vehicles: readonly SceneVehicle[];
  readonly actors: readonly SceneActor[];
}

export interface Extent {
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

const DEG = Math.PI / 180;

/** What the pack's vehicle status means (the colours are the shared status scale; these are the words beside them). */
export const VEHICLE_STATUS_LABEL: Readonly<Record<AssetStatus, string>> = {
  ok: 'Driving',
  warning: 'AEB active',
  critical: 'Collided',
  offline: 'Finished',
};

/** "12.3 km/h": a speed in metres per second as people read it. */
export function kmh(mps: number): string {
  return formatFixed(mps * 3.6, 1, 'km/h');
}

/** A time to collision, or "—" when nothing closes in. */
export function ttcText(ttc: number | null): string {
  return ttc === null || ttc < 0 ? '—' : formatFixed(ttc, 2, 's');
}

function num(v: unknown, fallback = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}

function isPoint(p: unknown): p is [number, number] {
  return Array.isArray(p) && p.length === 2 && typeof p[0] === 'number' && typeof p[1] === 'number';
}

/** The case assets in the order the pack created them (one per sweep value). */
export function casesOf(assets: readonly AssetView[]): AssetView[] {
  return assets.filter((a) => a.kind === 'case');
}

/** A vehicle's sensor reach, from its KPIs (the pack gives them at past instants too). */
function conesOf(kpis: Readonly<Record<string, number>> | undefined): SensorCone[] {
  const cones: SensorCone[] = [];
  for (const sensor of SENSOR_TYPES) {
    const range = num(kpis?.[`${sensor}_range_m`]);
    const fov = num(kpis?.[`${sensor}_fov_deg`]);
    if (range > 0 && fov > 0) cones.push({ sensor, range, fovRad: fov * DEG });
  }
  return cones;
}

/** Where a detection lies in the world: range and bearing from the front bumper, bearing from the heading. */
function detectionsOf(state: AssetView['state'], fx: number, fy: number, heading: number): SceneDetection[] {
  const list = Array.isArray(state.detections) ? state.detections : [];
  const out: SceneDetection[] = [];
  for (const d of list) {
    if (d === null || typeof d !== 'object' || Array.isArray(d)) continue;
    const r = num(d.range_m);
    const b = heading + num(d.bearing_deg) * DEG;
    out.push({
      sensor: str(d.sensor),
      cls: str(d.cls, 'unknown'),
      x: fx + r * Math.cos(b),
      y: fy + r * Math.sin(b),
      ghost: d.object_id === null,
    });
  }
  return out;
}

export function sceneVehicle(a: AssetView): SceneVehicle {
  const kpis = a.kpis;
  const x = num(a.state.x_m);
  const y = num(a.state.y_m);
  const heading = num(a.state.heading_deg) * DEG;
  const length = num(kpis?.length_m, 4.7);
  const front = num(kpis?.front_m, length * 0.8);
  const ttc = a.state.ttc_s;
  return {
    id: a.id,
    modelType: str(a.state.model_type),
    x,
    y,
    heading,
    speedMps: num(a.state.speed_mps),
    length,
    width: num(kpis?.width_m, 1.85),
    front,
    status: a.status ?? 'ok',
    aeb: str(a.state.aeb, 'standby'),
    ttcS: typeof ttc === 'number' && Number.isFinite(ttc) ? ttc : null,
    cones: conesOf(kpis),
    detections: detectionsOf(a.state, x + front * Math.cos(heading), y + front * Math.sin(heading), heading),
  };
}

/** The scene of one case. */
export function buildScene(assets: readonly AssetView[], caseId: string): Scene {
  const c = assets.find((a) => a.kind === 'case' && a.id === caseId);
  const roads: SceneRoad[] = [];
  const stopLines: SceneStopLine[] = [];
  if (c !== undefined) {
    for (const r of Array.isArray(c.state.roads) ? c.state.roads : []) {
      if (r === null || typeof r !== 'object' || Array.isArray(r)) continue;
      const points = (Array.isArray(r.points) ? r.points : []).filter(isPoint);
      if (points.length < 2) continue;
      roads.push({ id: str(r.id), points, lanes: Math.max(1, num(r.lanes, 1)), laneWidth: num(r.lane_width_m, 3.5) });
    }
    for (const s of Array.isArray(c.state.stop_lines) ? c.state.stop_lines : []) {
      if (s === null || typeof s !== 'object' || Array.isArray(s)) continue;
      const aspect = s.aspect === 'red' || s.aspect === 'amber' ? s.aspect : 'green';
      stopLines.push({ signal: str(s.signal), x: num(s.x_m), y: num(s.y_m), aspect });
    }
  }
  const inCase = assets.filter((a) => a.state.case === caseId);
  return {
    caseId,
    roads,
    stopLines,
    vehicles: inCase.filter((a) => a.kind === 'vehicle').map(sceneVehicle),
    actors: inCase
      .filter((a) => a.kind === 'actor')
      .map((a) => ({
        id: a.id,
        cls: str(a.state.cls, 'vehicle'),
        x: num(a.state.x_m),
        y: num(a.state.y_m),
        heading: num(a.state.heading_deg) * DEG,
        speedMps: num(a.state.speed_mps),
        length: num(a.state.length_m, 1),
        width: num(a.state.width_m, 1),
      })),
  };
}

/** Unit normals to the left of a polyline at each of its points (the mean of the adjacent segments' normals). */
export function leftNormals(points: readonly (readonly [number, number])[]): [number, number][] {
  const seg: [number, number][] = [];
  for (let i = 1; i < points.length; i++) {
    const dx = points[i]![0] - points[i - 1]![0];
    const dy = points[i]![1] - points[i - 1]![1];
    const len = Math.hypot(dx, dy) || 1;
    seg.push([-dy / len, dx / len]);
  }
  return points.map((_, i) => {
    const a = seg[Math.max(0, i - 1)]!;
    const b = seg[Math.min(seg.length - 1, i)]!;
    const nx = a[0] + b[0];
    const ny = a[1] + b[1];
    const len = Math.hypot(nx, ny) || 1;
    return [nx / len, ny / len];
  });
}

/** A polyline shifted `d` metres to its left (negative: right). */
export function offsetLine(points: readonly (readonly [number, number])[], d: number): [number, number][] {
  const normals = leftNormals(points);
  return points.map((p, i) => [p[0] + normals[i]![0] * d, p[1] + normals[i]![1] * d]);
}

/** The road's two edges: half a lane right of the rightmost lane's centre, and past the leftmost lane. */
export function roadEdges(road: SceneRoad): { right: [number, number][]; left: [number, number][] } {
  return {
    right: offsetLine(road.points, -road.laneWidth / 2),
    left: offsetLine(road.points, (road.lanes - 0.5) * road.laneWidth),
  };
}

/**
 * What the view frames: the vehicles under test, their traffic and what is near them, plus `margin` metres. Roads run
 * kilometres past the action (a 3 km urban cycle), so they bound the frame only when nothing moves on them.
 */
export function sceneExtent(scene: Scene, margin = 25): Extent | null {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const o of [...scene.vehicles, ...scene.actors]) {
    xs.push(o.x);
    ys.push(o.y);
  }
  if (xs.length === 0) {
    for (const r of scene.roads)
      for (const p of r.points) {
        xs.push(p[0]);
        ys.push(p[1]);
      }
  }
  if (xs.length === 0) return null;
  return {
    xMin: Math.min(...xs) - margin,
    xMax: Math.max(...xs) + margin,
    yMin: Math.min(...ys) - margin,
    yMax: Math.max(...ys) + margin,
  };
}

export interface Transform {
  readonly scale: number;
  readonly ox: number;
  readonly oy: number;
}

/** Metres to pixels: the extent fitted inside w × h, centred, y up. `minSpan` keeps a lone car from filling it. */
export function fitTransform(extent: Extent, w: number, h: number, minSpan = 60): Transform {
  const spanX = Math.max(minSpan, extent.xMax - extent.xMin);
  const spanY = Math.max(minSpan * (h / Math.max(1, w)), extent.yMax - extent.yMin);
  const scale = Math.min(w / spanX, h / spanY);
  const cx = (extent.xMin + extent.xMax) / 2;
  const cy = (extent.yMin + extent.yMax) / 2;
  return { scale, ox: w / 2 - cx * scale, oy: h / 2 + cy * scale };
}

/** The length of a scale bar at `scale` px/m: the largest round distance no longer than `maxPx`. */
export function scaleBarMetres(scale: number, maxPx = 120): number {
  const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
  return [...steps].reverse().find((m) => m * scale <= maxPx) ?? 1;
}

export function toScreen(t: Transform, x: number, y: number): [number, number] {
  return [t.ox + x * t.scale, t.oy - y * t.scale];
}

/** The vehicle under the pointer (inside its body, or within `slackPx` of it), else undefined. */
export function vehicleAt(scene: Scene, t: Transform, px: number, py: number, slackPx = 8): SceneVehicle | undefined {
  const x = (px - t.ox) / t.scale;
  const y = (t.oy - py) / t.scale;
  const slack = slackPx / t.scale;
  let best: SceneVehicle | undefined;
  let bestD = Infinity;
  for (const v of scene.vehicles) {
    // Into the body's frame: u along the heading from the rear axle, w to the left.
    const dx = x - v.x;
    const dy = y - v.y;
    const u = dx * Math.cos(v.heading) + dy * Math.sin(v.heading);
    const w = -dx * Math.sin(v.heading) + dy * Math.cos(v.heading);
    const du = Math.max(v.front - v.length - u, 0, u - v.front);
    const dw = Math.max(Math.abs(w) - v.width / 2, 0);
    const d = Math.hypot(du, dw);
    if (d <= slack && d < bestD) {
      best = v;
      bestD = d;
    }
  }
  return best;
}
