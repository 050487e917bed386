import type { Environment, RunOptions } from '@doppel/engine';

export type BenchRng = 'default' | 'sfc32';
export type BenchParams = Record<string, number>;

export interface BenchContext {
  readonly seed: number;
  readonly rng: BenchRng;
  /** Runs `env.run(options)`: the only timed section of a benchmark. Models call it for every run. */
  run(env: Environment, options?: RunOptions): unknown;
}

export interface BenchModel<P extends BenchParams = BenchParams> {
  readonly name: string;
  readonly description: string;
  /** Defaults; also the list of accepted parameters. */
  readonly params: P;
  /** Representative sizes for `npm run bench` (defaults when absent). */
  readonly representative?: Partial<P>;
  /** Builds and runs the model; returns its outputs (`events` is added by the harness when absent). */
  run(params: P, ctx: BenchContext): Record<string, unknown>;
}

export interface BenchResult {
  model: string;
  params: BenchParams;
  seed: number;
  rng: BenchRng;
  events: number;
  wall_s: number;
  events_per_s: number;
  [output: string]: unknown;
}
