/** A point on the plane, metres (x east, y north). */
export type Point = readonly [number, number];

/** A point of a path and the path's heading there. */
export interface PathPoint {
  x: number;
  y: number;
  heading: number;
}

/** Where a point projects on a path: arc length s, signed lateral offset d (positive to the left), heading there. */
export interface PathFrame {
  s: number;
  d: number;
  heading: number;
}

/**
 * A polyline with arc-length parametrisation: the centre line of a lane or a walking line. Queries are O(log n)
 * by s, and projection searches a window around a hint (vehicles move little per step), so following a long
 * route stays cheap.
 */
export class Path {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  /** Cumulative arc length at each vertex. */
  readonly cum: Float64Array;
  readonly length: number;

  constructor(points: readonly Point[]) {
    const clean: Point[] = [];
    for (const p of points) {
      const last = clean[clean.length - 1];
      if (last === undefined || Math.hypot(p[0] - last[0], p[1] - last[1]) > 1e-9) clean.push(p);
    }
    if (clean.length < 2) throw new RangeError('a path needs at least two distinct points');
    const n = clean.length;
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
    this.cum = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const p = clean[i] as Point;
      this.xs[i] = p[0];
      this.ys[i] = p[1];
      if (i > 0) {
        this.cum[i] =
          (this.cum[i - 1] as number) +
          Math.hypot(p[0] - (this.xs[i - 1] as number), p[1] - (this.ys[i - 1] as number));
      }
    }
    this.length = this.cum[n - 1] as number;
  }

  private segmentAt(s: number): number {
    const cum = this.cum;
    let lo = 0;
    let hi = cum.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((cum[mid] as number) <= s) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Point at arc length s (extrapolated along the end segments beyond the ends) offset d to the left, written into
   * `into` when given (per-step callers reuse one object).
   */
  pointAt(s: number, d = 0, into?: PathPoint): PathPoint {
    const i = this.segmentAt(s);
    const x0 = this.xs[i] as number;
    const y0 = this.ys[i] as number;
    const dx = (this.xs[i + 1] as number) - x0;
    const dy = (this.ys[i + 1] as number) - y0;
    const len = Math.hypot(dx, dy);
    const u = (s - (this.cum[i] as number)) / len;
    const heading = Math.atan2(dy, dx);
    const nx = -dy / len;
    const ny = dx / len;
    const out = into ?? { x: 0, y: 0, heading: 0 };
    out.x = x0 + u * dx + d * nx;
    out.y = y0 + u * dy + d * ny;
    out.heading = heading;
    return out;
  }

  /** Projects (x, y) on the path; `hint` (a previous s) narrows the search to nearby segments. */
  project(x: number, y: number, hint?: number, into?: PathFrame): PathFrame {
    const n = this.cum.length - 1;
    let from = 0;
    let to = n - 1;
    if (hint !== undefined && n > 8) {
      const i = this.segmentAt(hint);
      from = Math.max(0, i - 3);
      to = Math.min(n - 1, i + 3);
    }
    let best = Infinity;
    let bestS = 0;
    let bestD = 0;
    let bestH = 0;
    for (let i = from; i <= to; i++) {
      const x0 = this.xs[i] as number;
      const y0 = this.ys[i] as number;
      const dx = (this.xs[i + 1] as number) - x0;
      const dy = (this.ys[i + 1] as number) - y0;
      const len2 = dx * dx + dy * dy;
      let u = ((x - x0) * dx + (y - y0) * dy) / len2;
      // The path's ends extend straight on, so positions before its start or past its end keep a signed s.
      if (i > 0 && u < 0) u = 0;
      if (i < n - 1 && u > 1) u = 1;
      const px = x0 + u * dx;
      const py = y0 + u * dy;
      const dist2 = (x - px) * (x - px) + (y - py) * (y - py);
      if (dist2 < best) {
        best = dist2;
        const len = Math.sqrt(len2);
        bestS = (this.cum[i] as number) + u * len;
        bestD = (dx * (y - y0) - dy * (x - x0)) / len;
        bestH = Math.atan2(dy, dx);
      }
    }
    const out = into ?? { s: 0, d: 0, heading: 0 };
    out.s = bestS;
    out.d = bestD;
    out.heading = bestH;
    return out;
  }

  /** The path shifted d to the left (vertices moved along the mitred normal). */
  offset(d: number): Path {
    const n = this.xs.length;
    const points: Point[] = [];
    for (let i = 0; i < n; i++) {
      const hIn =
        i > 0
          ? Math.atan2(
              (this.ys[i] as number) - (this.ys[i - 1] as number),
              (this.xs[i] as number) - (this.xs[i - 1] as number),
            )
          : null;
      const hOut =
        i < n - 1
          ? Math.atan2(
              (this.ys[i + 1] as number) - (this.ys[i] as number),
              (this.xs[i + 1] as number) - (this.xs[i] as number),
            )
          : null;
      const a = hIn ?? (hOut as number);
      const b = hOut ?? (hIn as number);
      const half = wrap(b - a) / 2;
      const h = a + half;
      const scale = d / Math.cos(half);
      points.push([(this.xs[i] as number) - Math.sin(h) * scale, (this.ys[i] as number) + Math.cos(h) * scale]);
    }
    return new Path(points);
  }

  /** Concatenation of paths, end to start (a route). */
  static join(paths: readonly Path[]): Path {
    const points: Point[] = [];
    for (const path of paths)
      for (let i = 0; i < path.xs.length; i++) points.push([path.xs[i] as number, path.ys[i] as number]);
    return new Path(points);
  }

  points(): Point[] {
    const out: Point[] = [];
    for (let i = 0; i < this.xs.length; i++) out.push([this.xs[i] as number, this.ys[i] as number]);
    return out;
  }
}

function wrap(a: number): number {
  let r = a;
  while (r > Math.PI) r -= 2 * Math.PI;
  while (r <= -Math.PI) r += 2 * Math.PI;
  return r;
}

/** Points of a circular arc from `start` with heading h0, radius r (positive turns left), sweep in radians. */
export function arcPoints(start: Point, h0: number, r: number, sweep: number, steps: number): Point[] {
  const cx = start[0] - Math.sin(h0) * r;
  const cy = start[1] + Math.cos(h0) * r;
  const out: Point[] = [];
  for (let k = 0; k <= steps; k++) {
    const h = h0 + (Math.sign(r) * sweep * k) / steps;
    out.push([cx + Math.sin(h) * r, cy - Math.cos(h) * r]);
  }
  return out;
}
