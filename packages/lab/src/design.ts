import { createHash } from 'node:crypto';

export type FactorValue = number | string | boolean;

/** One point of the grid: the value each factor takes there. */
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
