import type { BenchModel, BenchParams } from '../types.js';
import { timeouts } from './timeouts.js';

// The benchmark registry: one line per model (see /shared/benchmarks/README.md for the specifications).
export const models: Record<string, BenchModel<BenchParams>> = {
  timeouts: timeouts as BenchModel<BenchParams>,
};
