export { models } from './models/index.js';
export { runBench, getModel, BenchUsageError, type BenchRequest } from './harness.js';
export type { BenchModel, BenchContext, BenchParams, BenchResult, BenchRng } from './types.js';
