import type { Path, PathPoint } from './path.js';

export const OBJECT_CLASSES = ['vehicle', 'pedestrian', 'obstacle'] as const;
export type ObjectClass = (typeof OBJECT_CLASSES)[number];

/** Anything a sensor can see and a vehicle can hit: a box on the plane with a velocity (centre reference). */
export interface WorldObject {
  readonly id: string;
  readonly cls: ObjectClass;
  x: number;
  y: number;
  heading: number;
  /** Speed along the heading, m/s. */
  v: number;
  readonly length: number;
  readonly width: number;
}

/** A speed or offset keyframe: at time t (s) the value is `value`; linear in between, held after the last. */
export type Keyframe = readonly [t: number, value: number];

export function interpolate(frames: readonly Keyframe[], t: number): number {
  const first = frames[0];
  if (first === undefined) return 0;
  if (t <= first[0]) return first[1];
  for (let i = 1; i < frames.length; i++) {
    const b = frames[i] as Keyframe;
    if (t <= b[0]) {
      const a = frames[i - 1] as Keyframe;
      const span = b[0] - a[0];
      return span > 0 ? a[1] + ((b[1] - a[1]) * (t - a[0])) / span : b[1];
    }
  }
  return (frames[frames.length - 1] as Keyframe)[1];
}

const placed: PathPoint = { x: 0, y: 0, heading: 0 };

/**
 * Other traffic, pedestrians and obstacles: they move along a path with a scripted speed profile (keyframes in
 * time) and a scripted lateral offset (a cut-in is an offset change), and do not react. Position is integrated
 * from the speed (trapezoid per step), so a braking profile covers the distance its speeds imply.
 */
export class ScriptedActor implements WorldObject {
  x = 0;
  y = 0;
  heading = 0;
  v: number;
  s: number;
  d: number;
  constructor(
    readonly id: string,
    readonly cls: ObjectClass,
    readonly path: Path,
    s0: number,
    readonly speed: readonly Keyframe[],
    readonly offset: readonly Keyframe[],
    readonly length: number,
    readonly width: number,
  ) {
    this.s = s0;
    this.v = interpolate(speed, 0);
    this.d = interpolate(offset, 0);
    this.place(0);
  }

  step(t: number, dt: number): void {
    const v1 = interpolate(this.speed, t);
    this.s += 0.5 * (this.v + v1) * dt;
    this.v = v1;
    const dPrev = this.d;
    this.d = interpolate(this.offset, t);
    this.place((this.d - dPrev) / dt);
  }

  private place(lateralRate: number): void {
    const p = this.path.pointAt(this.s, this.d, placed);
    this.x = p.x;
    this.y = p.y;
    const drift = this.v > 0.1 ? Math.atan2(lateralRate, this.v) : 0;
    this.heading = p.heading + drift;
  }
}

/** Corners of an object's box, counter-clockwise. */
function corners(o: WorldObject, out: number[]): number[] {
  const c = Math.cos(o.heading);
  const s = Math.sin(o.heading);
  const hl = o.length / 2;
  const hw = o.width / 2;
  out[0] = o.x + c * hl - s * hw;
  out[1] = o.y + s * hl + c * hw;
  out[2] = o.x - c * hl - s * hw;
  out[3] = o.y - s * hl + c * hw;
  out[4] = o.x - c * hl + s * hw;
  out[5] = o.y - s * hl - c * hw;
  out[6] = o.x + c * hl + s * hw;
  out[7] = o.y + s * hl - c * hw;
  return out;
}

const ca = new Array<number>(8).fill(0);
const cb = new Array<number>(8).fill(0);

function separated(a: number[], b: number[], axisHeading: number): boolean {
  for (const h of [axisHeading, axisHeading + Math.PI / 2]) {
    const ax = Math.cos(h);
    const ay = Math.sin(h);
    let minA = Infinity;
    let maxA = -Infinity;
    let minB = Infinity;
    let maxB = -Infinity;
    for (let i = 0; i < 8; i += 2) {
      const pa = (a[i] as number) * ax + (a[i + 1] as number) * ay;
      const pb = (b[i] as number) * ax + (b[i + 1] as number) * ay;
      if (pa < minA) minA = pa;
      if (pa > maxA) maxA = pa;
      if (pb < minB) minB = pb;
      if (pb > maxB) maxB = pb;
    }
    if (maxA < minB || maxB < minA) return true;
  }
  return false;
}

/** Oriented-box overlap by the separating axis theorem. */
export function overlaps(a: WorldObject, b: WorldObject): boolean {
  const reach = (a.length + a.width + b.length + b.width) / 2;
  const dx = a.x - b.x;
  const dy = a.y - b.y;
  if (dx * dx + dy * dy > reach * reach) return false;
  corners(a, ca);
  corners(b, cb);
  return !separated(ca, cb, a.heading) && !separated(ca, cb, b.heading);
}

/** The point of an object's box nearest to (px, py), written into `out` as [x, y]; returns the distance. */
export function nearestPoint(o: WorldObject, px: number, py: number, out: [number, number]): number {
  const c = Math.cos(o.heading);
  const s = Math.sin(o.heading);
  const rx = px - o.x;
  const ry = py - o.y;
  let lx = rx * c + ry * s;
  let ly = -rx * s + ry * c;
  const hl = o.length / 2;
  const hw = o.width / 2;
  lx = lx < -hl ? -hl : lx > hl ? hl : lx;
  ly = ly < -hw ? -hw : ly > hw ? hw : ly;
  out[0] = o.x + lx * c - ly * s;
  out[1] = o.y + lx * s + ly * c;
  return Math.hypot(px - out[0], py - out[1]);
}
