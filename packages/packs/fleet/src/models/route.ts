import { Path } from './path.js';

/** A traffic light: green, amber, red in a cycle; `offset_s` shifts the cycle start. */
export interface SignalTiming {
  readonly green_s: number;
  readonly amber_s: number;
  readonly red_s: number;
  readonly offset_s: number;
}

export type SignalAspect = 'green' | 'amber' | 'red';

export function signalAspect(timing: SignalTiming, t: number): SignalAspect {
  const cycle = timing.green_s + timing.amber_s + timing.red_s;
  const phase = (((t + timing.offset_s) % cycle) + cycle) % cycle;
  return phase < timing.green_s ? 'green' : phase < timing.green_s + timing.amber_s ? 'amber' : 'red';
}

/** A speed limit over [s0, s1) of a route, m/s. */
export interface SpeedZone {
  readonly s0: number;
  readonly s1: number;
  readonly v: number;
}

/** A closed lane over [s0, s1) (a construction zone). */
export interface LaneClosure {
  readonly s0: number;
  readonly s1: number;
  readonly lane: number;
}

export interface StopLine {
  readonly s: number;
  readonly signal: string;
  readonly timing: SignalTiming;
}

/**
 * What a vehicle knows of the road ahead (its HD map): the centre line of the rightmost lane of its route, the
 * number of lanes and their width, speed limits, construction closures and signalised stop lines. Lanes are
 * numbered from 0 (rightmost) to the left; lane k's centre is offset k·width to the left.
 */
export class Route {
  /** Speed limit profile, including curves (v ≤ √(a_lat/κ)) — without the weather, which the driver applies. */
  readonly zones: SpeedZone[];
  readonly curvature: { s: number; kappa: number }[] = [];

  constructor(
    readonly path: Path,
    readonly lanes: number,
    readonly laneWidth: number,
    limits: readonly SpeedZone[],
    readonly closures: readonly LaneClosure[],
    readonly stopLines: readonly StopLine[],
  ) {
    this.zones = [...limits].sort((a, b) => a.s0 - b.s0);
    const n = path.xs.length;
    for (let i = 1; i < n - 1; i++) {
      const h0 = Math.atan2(
        (path.ys[i] as number) - (path.ys[i - 1] as number),
        (path.xs[i] as number) - (path.xs[i - 1] as number),
      );
      const h1 = Math.atan2(
        (path.ys[i + 1] as number) - (path.ys[i] as number),
        (path.xs[i + 1] as number) - (path.xs[i] as number),
      );
      let dh = h1 - h0;
      dh = Math.atan2(Math.sin(dh), Math.cos(dh));
      const ds = ((path.cum[i + 1] as number) - (path.cum[i - 1] as number)) / 2;
      const kappa = Math.abs(dh) / ds;
      if (kappa > 1e-4) this.curvature.push({ s: path.cum[i] as number, kappa });
    }
  }

  laneOffset(lane: number): number {
    return lane * this.laneWidth;
  }

  /** Whether `lane` is closed anywhere in [s0, s1]. */
  closed(lane: number, s0: number, s1: number): boolean {
    for (const c of this.closures) if (c.lane === lane && c.s0 <= s1 && c.s1 >= s0) return true;
    return false;
  }

  limitAt(s: number): number {
    let v = Infinity;
    for (const z of this.zones) if (s >= z.s0 && s < z.s1 && z.v < v) v = z.v;
    return v;
  }

  static straight(
    length: number,
    lanes: number,
    laneWidth: number,
    limitKmh: number,
    closures: LaneClosure[] = [],
    stopLines: StopLine[] = [],
  ): Route {
    return new Route(
      new Path([
        [0, 0],
        [length, 0],
      ]),
      lanes,
      laneWidth,
      [{ s0: -Infinity, s1: Infinity, v: limitKmh / 3.6 }],
      closures,
      stopLines,
    );
  }
}
