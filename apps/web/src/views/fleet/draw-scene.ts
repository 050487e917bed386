/** Canvas drawing of a road scene (fleet-scene.ts): roads, stop lines, sensor cones, detections, traffic, vehicles. */
import { STATUS_COLOR } from '../../lib/scales.js';
import {
  kmh,
  offsetLine,
  roadEdges,
  scaleBarMetres,
  toScreen,
  ttcText,
  type Scene,
  type SceneVehicle,
  type Transform,
} from './fleet-scene.js';

/** One colour per sensor type, kept apart from the status colours; the legend names them. */
export const SENSOR_COLOR: Readonly<Record<string, string>> = {
  radar: '#3358d4',
  lidar: '#8c4fd1',
  camera: '#16a3b8',
};

const ROAD_FILL = '#d5d9df';
const ROAD_EDGE = '#aab1ba';
const LANE_LINE = '#ffffff';
const ACTOR_COLOR: Readonly<Record<string, string>> = {
  vehicle: '#5d6670',
  pedestrian: '#b35c00',
  obstacle: '#3b3f45',
};
const SIGNAL_COLOR = { green: '#2f9e5b', amber: '#e0a100', red: '#d9423b' } as const;

function path(ctx: CanvasRenderingContext2D, t: Transform, pts: readonly (readonly [number, number])[]): void {
  pts.forEach((p, i) => {
    const [x, y] = toScreen(t, p[0], p[1]);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
}

function drawRoads(ctx: CanvasRenderingContext2D, scene: Scene, t: Transform): void {
  for (const road of scene.roads) {
    const { left, right } = roadEdges(road);
    ctx.beginPath();
    path(ctx, t, right);
    path(ctx, t, [...left].reverse());
    ctx.closePath();
    ctx.fillStyle = ROAD_FILL;
    ctx.fill();
    ctx.strokeStyle = ROAD_EDGE;
    ctx.lineWidth = 1;
    ctx.stroke();
    // Dashed lines between lanes.
    ctx.setLineDash([Math.max(2, 3 * t.scale), Math.max(2, 6 * t.scale)]);
    ctx.strokeStyle = LANE_LINE;
    ctx.lineWidth = Math.max(1, 0.15 * t.scale);
    for (let k = 1; k < road.lanes; k++) {
      ctx.beginPath();
      path(ctx, t, offsetLine(road.points, (k - 0.5) * road.laneWidth));
      ctx.stroke();
    }
    ctx.setLineDash([]);
  }
}

function drawStopLines(ctx: CanvasRenderingContext2D, scene: Scene, t: Transform): void {
  for (const s of scene.stopLines) {
    const [x, y] = toScreen(t, s.x, s.y);
    ctx.beginPath();
    ctx.arc(x, y, Math.max(4, 0.8 * t.scale), 0, 2 * Math.PI);
    ctx.fillStyle = SIGNAL_COLOR[s.aspect];
    ctx.fill();
    ctx.strokeStyle = '#1c2128';
    ctx.lineWidth = 1;
    ctx.stroke();
  }
}

/** The sensors' fields of view from the front bumper: translucent wedges (a dashed ring for a 360° lidar). */
function drawCones(ctx: CanvasRenderingContext2D, v: SceneVehicle, t: Transform): void {
  const fx = v.x + v.front * Math.cos(v.heading);
  const fy = v.y + v.front * Math.sin(v.heading);
  const [cx, cy] = toScreen(t, fx, fy);
  // Widest first, so the narrow long-range cones stay visible on top.
  const cones = [...v.cones].sort((a, b) => b.fovRad - a.fovRad);
  for (const cone of cones) {
    const r = cone.range * t.scale;
    const color = SENSOR_COLOR[cone.sensor] ?? '#5d6670';
    ctx.beginPath();
    if (cone.fovRad >= 2 * Math.PI - 1e-6) {
      // A 360° sensor is a ring only: filled, it would tint the whole scene.
      ctx.arc(cx, cy, r, 0, 2 * Math.PI);
      ctx.setLineDash([4, 4]);
      ctx.strokeStyle = `${color}99`;
      ctx.lineWidth = 1;
      ctx.stroke();
      ctx.setLineDash([]);
      continue;
    }
    // Canvas angles run clockwise (y down): the world heading is negated.
    ctx.moveTo(cx, cy);
    ctx.arc(cx, cy, r, -v.heading - cone.fovRad / 2, -v.heading + cone.fovRad / 2);
    ctx.closePath();
    ctx.fillStyle = `${color}12`;
    ctx.fill();
    ctx.strokeStyle = `${color}66`;
    ctx.lineWidth = 1;
    ctx.stroke();
  }
}

function drawDetections(ctx: CanvasRenderingContext2D, v: SceneVehicle, t: Transform): void {
  for (const d of v.detections) {
    const [x, y] = toScreen(t, d.x, d.y);
    const color = SENSOR_COLOR[d.sensor] ?? '#5d6670';
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    const s = 4;
    ctx.beginPath();
    if (d.ghost) {
      // A ghost is a ring: something the sensor reported where nothing is.
      ctx.arc(x, y, s, 0, 2 * Math.PI);
    } else {
      ctx.moveTo(x - s, y - s);
      ctx.lineTo(x + s, y + s);
      ctx.moveTo(x - s, y + s);
      ctx.lineTo(x + s, y - s);
    }
    ctx.stroke();
  }
}

/** An oriented box: `back` and `fwd` metres behind and ahead of (x, y) along the heading, `width` across. */
function box(
  ctx: CanvasRenderingContext2D,
  t: Transform,
  x: number,
  y: number,
  heading: number,
  back: number,
  fwd: number,
  width: number,
): void {
  const c = Math.cos(heading);
  const s = Math.sin(heading);
  const w = width / 2;
  const corners: [number, number][] = [
    [x - back * c + w * s, y - back * s - w * c],
    [x + fwd * c + w * s, y + fwd * s - w * c],
    [x + fwd * c - w * s, y + fwd * s + w * c],
    [x - back * c - w * s, y - back * s + w * c],
  ];
  ctx.beginPath();
  path(ctx, t, corners);
  ctx.closePath();
}

export interface DrawOptions {
  readonly selectedId: string | undefined;
  readonly hoveredId: string | undefined;
  readonly showCones: boolean;
  readonly showDetections: boolean;
}

export function drawScene(
  ctx: CanvasRenderingContext2D,
  scene: Scene,
  t: Transform,
  w: number,
  h: number,
  opts: DrawOptions,
): void {
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = '#eef0f3';
  ctx.fillRect(0, 0, w, h);
  drawRoads(ctx, scene, t);
  drawStopLines(ctx, scene, t);
  if (opts.showCones) for (const v of scene.vehicles) drawCones(ctx, v, t);
  for (const a of scene.actors) {
    if (a.cls === 'pedestrian') {
      const [x, y] = toScreen(t, a.x, a.y);
      ctx.beginPath();
      ctx.arc(x, y, Math.max(3, 0.4 * t.scale), 0, 2 * Math.PI);
      ctx.fillStyle = ACTOR_COLOR.pedestrian!;
      ctx.fill();
      continue;
    }
    box(ctx, t, a.x, a.y, a.heading, a.length / 2, a.length / 2, a.width);
    ctx.fillStyle = ACTOR_COLOR[a.cls] ?? ACTOR_COLOR.vehicle!;
    ctx.fill();
  }
  if (opts.showDetections) for (const v of scene.vehicles) drawDetections(ctx, v, t);
  for (const v of scene.vehicles) {
    box(ctx, t, v.x, v.y, v.heading, v.length - v.front, v.front, v.width);
    ctx.fillStyle = STATUS_COLOR[v.status];
    ctx.fill();
    const emphasised = v.id === opts.selectedId || v.id === opts.hoveredId;
    ctx.strokeStyle = emphasised ? '#1c2128' : '#ffffff';
    ctx.lineWidth = emphasised ? 2.5 : 1;
    ctx.stroke();
    // The bonnet: a bar across the front, so the heading reads even at small scales.
    const [bx, by] = toScreen(t, v.x + v.front * Math.cos(v.heading), v.y + v.front * Math.sin(v.heading));
    ctx.beginPath();
    ctx.arc(bx, by, 2, 0, 2 * Math.PI);
    ctx.fillStyle = '#1c2128';
    ctx.fill();
  }
  if (scene.vehicles.length <= LABELLED_VEHICLES) for (const v of scene.vehicles) drawReadout(ctx, v, t);
  drawScaleBar(ctx, t, h);
}

/** Up to this many vehicles carry their speed and TTC on the canvas; beyond, the panel and tooltip give them. */
const LABELLED_VEHICLES = 12;

function drawReadout(ctx: CanvasRenderingContext2D, v: SceneVehicle, t: Transform): void {
  const [x, y] = toScreen(t, v.x, v.y);
  const text = `${kmh(v.speedMps)} · TTC ${ttcText(v.ttcS)}`;
  ctx.font = '600 11px system-ui, sans-serif';
  const w = ctx.measureText(text).width + 8;
  const top = y + Math.max(8, (v.width / 2) * t.scale + 6);
  ctx.fillStyle = 'rgb(255 255 255 / 90%)';
  ctx.fillRect(x - w / 2, top, w, 16);
  ctx.fillStyle = '#1c2128';
  ctx.fillText(text, x - w / 2 + 4, top + 12);
}

/** A scale bar bottom left: the largest round distance under 120 px. */
function drawScaleBar(ctx: CanvasRenderingContext2D, t: Transform, h: number): void {
  const metres = scaleBarMetres(t.scale);
  const px = metres * t.scale;
  const x = 12;
  const y = h - 14;
  ctx.strokeStyle = '#1c2128';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(x, y - 4);
  ctx.lineTo(x, y);
  ctx.lineTo(x + px, y);
  ctx.lineTo(x + px, y - 4);
  ctx.stroke();
  ctx.fillStyle = '#1c2128';
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillText(`${metres} m`, x + px + 6, y + 3);
}
