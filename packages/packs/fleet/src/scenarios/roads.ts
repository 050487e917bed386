import { arcPoints, Path, type Point } from '../models/path.js';
import { Route, type LaneClosure, type SpeedZone, type StopLine } from '../models/route.js';
import type { SceneRoad } from './types.js';

export const LANE_WIDTH = 3.5;

/**
 * A straight road from (`x0`, `y0`) (its rightmost lane's centre) along `heading_deg` (default 0: along +x), with its
 * scene drawing.
 */
export function straightRoad(
  id: string,
  options: {
    length: number;
    lanes?: number;
    limitKmh: number;
    x0?: number;
    y0?: number;
    heading_deg?: number;
    zones?: SpeedZone[];
    closures?: LaneClosure[];
    stopLines?: StopLine[];
  },
): { route: Route; road: SceneRoad } {
  const lanes = options.lanes ?? 1;
  const x0 = options.x0 ?? 0;
  const y0 = options.y0 ?? 0;
  const h = ((options.heading_deg ?? 0) * Math.PI) / 180;
  // cos(0) = 1 and sin(0) = 0 exactly: a road along +x keeps the end point it always had.
  const points: Point[] = [
    [x0, y0],
    [x0 + options.length * Math.cos(h), y0 + options.length * Math.sin(h)],
  ];
  const route = new Route(
    new Path(points),
    lanes,
    LANE_WIDTH,
    [{ s0: -Infinity, s1: Infinity, v: options.limitKmh / 3.6 }, ...(options.zones ?? [])],
    options.closures ?? [],
    options.stopLines ?? [],
  );
  return { route, road: { id, points, lanes, lane_width_m: LANE_WIDTH } };
}

/**
 * A polyline with its corners rounded by arcs of `radius` (clipped to half the shorter neighbouring segment), so a
 * route through a junction or around a bend is drivable and its curvature is known.
 */
export function filleted(points: readonly Point[], radius: number, steps = 12): Point[] {
  if (points.length < 3) return [...points];
  const out: Point[] = [points[0] as Point];
  for (let i = 1; i < points.length - 1; i++) {
    const a = points[i - 1] as Point;
    const b = points[i] as Point;
    const c = points[i + 1] as Point;
    const h0 = Math.atan2(b[1] - a[1], b[0] - a[0]);
    const h1 = Math.atan2(c[1] - b[1], c[0] - b[0]);
    const turn = Math.atan2(Math.sin(h1 - h0), Math.cos(h1 - h0));
    if (Math.abs(turn) < 1e-6) {
      out.push(b);
      continue;
    }
    const lenIn = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const lenOut = Math.hypot(c[0] - b[0], c[1] - b[1]);
    const tangent = Math.min(radius * Math.tan(Math.abs(turn) / 2), lenIn / 2, lenOut / 2);
    const r = tangent / Math.tan(Math.abs(turn) / 2);
    const start: Point = [b[0] - Math.cos(h0) * tangent, b[1] - Math.sin(h0) * tangent];
    out.push(...arcPoints(start, h0, Math.sign(turn) * r, Math.abs(turn), steps));
  }
  out.push(points[points.length - 1] as Point);
  return out;
}

/** A road network of nodes and directed links (both directions added), for routing. */
export interface Network {
  readonly nodes: ReadonlyMap<string, Point>;
  readonly links: readonly { from: string; to: string; limitKmh: number; delayS: number }[];
}

/** Shortest path from `from` to `to` by a link cost (Dijkstra; ties broken by node name, so it is deterministic). */
export function shortestPath(
  net: Network,
  from: string,
  to: string,
  cost: (link: Network['links'][number]) => number,
): string[] {
  const dist = new Map<string, number>([[from, 0]]);
  const prev = new Map<string, string>();
  const done = new Set<string>();
  for (;;) {
    let best: string | null = null;
    let bestD = Infinity;
    for (const [node, d] of dist) {
      if (done.has(node)) continue;
      if (d < bestD || (d === bestD && best !== null && node < best)) {
        best = node;
        bestD = d;
      }
    }
    if (best === null) throw new RangeError(`no route from ${from} to ${to}`);
    if (best === to) break;
    done.add(best);
    for (const link of net.links) {
      if (link.from !== best || done.has(link.to)) continue;
      const d = bestD + cost(link);
      if (d < (dist.get(link.to) ?? Infinity)) {
        dist.set(link.to, d);
        prev.set(link.to, best);
      }
    }
  }
  const path = [to];
  while (path[0] !== from) path.unshift(prev.get(path[0] as string) as string);
  return path;
}

export function linkLength(net: Network, link: Network['links'][number]): number {
  const a = net.nodes.get(link.from) as Point;
  const b = net.nodes.get(link.to) as Point;
  return Math.hypot(b[0] - a[0], b[1] - a[1]);
}
