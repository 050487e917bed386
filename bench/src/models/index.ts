import type { BenchModel, BenchParams } from '../types.js';
import { timeouts } from './timeouts.js';
import { mmc } from './mmc.js';
import { line } from './line.js';
import { swap } from './swap.js';

// The benchmark registry: one line per model (see /shared/benchmarks/README.md for the specifications).
export const models: Record<string, BenchModel<BenchParams>> = {
  timeouts: timeouts as BenchModel<BenchParams>,
  mmc: mmc as BenchModel<BenchParams>,
  line: line as BenchModel<BenchParams>,
  swap: swap as BenchModel<BenchParams>,
};
