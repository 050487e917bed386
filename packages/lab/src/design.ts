import { createHash } from 'node:crypto';

export type FactorValue = number | string | boolean;

/** A numeric range a random or Latin hypercube design samples from; `integer` draws whole numbers, max included. */
export interface FactorRange {
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
}

/** A factor: a list of values (levels), or a range for the sampling designs. */
export type FactorSpec = readonly FactorValue[] | FactorRange;

/** How points are chosen: every combination, independent uniform draws, or a Latin hypercube. */
export type Design =
  | { readonly type: 'grid' }
  | { readonly type: 'random'; readonly points: number }
  | { readonly type: 'latin_hypercube'; readonly points: number };

/** One point of the design: the value each factor takes there. */
export interface DesignPoint {
  readonly index: number;
  readonly settings: Readonly<Record<string, FactorValue>>;
}

/** Every combination of the factors' values, the last factor varying fastest; no factors is one point. */
export function gridPoints(factors: Readonly<Record<string, readonly FactorValue[]>>): DesignPoint[] {
  let combos: Record<string, FactorValue>[] = [{}];
  for (const [path, values] of Object.entries(factors)) {
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [path]: value })));
  }
  return combos.map((settings, index) => ({ index, settings }));
}

/**
 * The points of `design` over `factors`. The sampling designs draw from a stream derived from the experiment's
 * seed alone, so the same file always gives the same points, on any machine and with any number of workers.
 */
export function designPoints(
  design: Design,
  factors: Readonly<Record<string, FactorSpec>>,
  experimentSeed: number,
): DesignPoint[] {
  if (design.type === 'grid') {
    const lists: Record<string, readonly FactorValue[]> = {};
    for (const [path, spec] of Object.entries(factors)) {
      if (!isLevels(spec)) throw new RangeError(`factors.${path}: a grid needs a list of values, found a range`);
      lists[path] = spec;
    }
    return gridPoints(lists);
  }
  const uniform = uniformStream(`doppel/design/${design.type}/${experimentSeed}`);
  const n = design.points;
  const paths = Object.keys(factors);
  // Latin hypercube: each factor's [0, 1) is cut into n strata and every stratum is used exactly once, in an
  // order shuffled per factor; the position inside a stratum is uniform.
  const strata = paths.map(() => (design.type === 'latin_hypercube' ? shuffled(n, uniform) : null));
  const points: DesignPoint[] = [];
  for (let index = 0; index < n; index++) {
    const settings: Record<string, FactorValue> = {};
    paths.forEach((path, k) => {
      const order = strata[k];
      const x = order === null ? uniform() : (order[index] + uniform()) / n;
      settings[path] = valueAt(factors[path], x);
    });
    points.push({ index, settings });
  }
  return points;
}

/** How many points `design` has over `factors`, without making them. */
export function designSize(design: Design, factors: Readonly<Record<string, FactorSpec>>): number {
  if (design.type !== 'grid') return design.points;
  return Object.values(factors).reduce((count, spec) => count * (isLevels(spec) ? spec.length : 1), 1);
}

export function isLevels(spec: FactorSpec): spec is readonly FactorValue[] {
  return Array.isArray(spec);
}

/** The factor's value at quantile x in [0, 1). */
function valueAt(spec: FactorSpec, x: number): FactorValue {
  if (isLevels(spec)) return spec[Math.min(spec.length - 1, Math.floor(x * spec.length))];
  const range = spec as FactorRange;
  if (range.integer === true) {
    const low = Math.ceil(range.min);
    const high = Math.floor(range.max);
    return Math.min(high, low + Math.floor(x * (high - low + 1)));
  }
  return range.min + x * (range.max - range.min);
}

/** 0 .. n-1 in a random order (Fisher–Yates). */
function shuffled(n: number, uniform: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Uniform draws in [0, 1) from SHA-256 of a label and a counter: reproducible everywhere, 48 bits each. */
function uniformStream(label: string): () => number {
  let counter = 0;
  return () => createHash('sha256').update(`${label}/${counter++}`).digest().readUIntBE(0, 6) / 2 ** 48;
}

/** A point's label in results: `c=3 lam=2.4`, or `base` when there are no factors. */
export function pointLabel(point: DesignPoint): string {
  const parts = Object.entries(point.settings).map(([path, value]) => `${path}=${String(value)}`);
  return parts.length === 0 ? 'base' : parts.join(' ');
}

/**
 * Common random numbers: the seed of replication `index` depends on the experiment's seed and the index only,
 * never on the point, so replication i of every point draws the same streams and differences between points are
 * paired. Derived by SHA-256 so replications are unrelated streams.
 */
export function crnSeed(experimentSeed: number, index: number): number {
  return createHash('sha256').update(`doppel/experiment/${experimentSeed}/${index}`).digest().readUIntBE(0, 6);
}
