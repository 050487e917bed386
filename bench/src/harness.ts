import type { Environment, RunOptions } from '@doppel/engine';
import { models } from './models/index.js';
import type { BenchModel, BenchParams, BenchResult, BenchRng } from './types.js';

export class BenchUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchUsageError';
  }
}

export interface BenchRequest {
  model: string;
  params?: Record<string, number>;
  seed?: number;
  rng?: BenchRng;
}

export function getModel(name: string): BenchModel<BenchParams> {
  const model = Object.hasOwn(models, name) ? models[name] : undefined;
  if (model === undefined) {
    throw new BenchUsageError(`unknown model "${name}"; valid models: ${Object.keys(models).sort().join(', ')}`);
  }
  return model;
}

/** Runs one model once. Only the env.run calls made through the context are timed. */
export function runBench(request: BenchRequest): BenchResult {
  const model = getModel(request.model);
  const params: BenchParams = { ...model.params };
  for (const [key, value] of Object.entries(request.params ?? {})) {
    if (!Object.hasOwn(model.params, key)) {
      const valid = Object.keys(model.params).map((p) => `--${p}`);
      throw new BenchUsageError(`unknown parameter --${key} for model ${model.name}; valid: ${valid.join(', ')}`);
    }
    if (!Number.isFinite(value)) throw new BenchUsageError(`parameter --${key} must be a number, got ${value}`);
    params[key] = value;
  }
  const seed = request.seed ?? 1;
  const rng = request.rng ?? 'default';
  let wallMs = 0;
  let events = 0;
  const ctx = {
    seed,
    rng,
    run(env: Environment, options?: RunOptions): unknown {
      const before = env.eventsProcessed;
      const t0 = performance.now();
      try {
        return env.run(options);
      } finally {
        wallMs += performance.now() - t0;
        events += env.eventsProcessed - before;
      }
    },
  };
  const outputs = model.run(params, ctx);
  const eventsOut = typeof outputs.events === 'number' ? outputs.events : events;
  const wall_s = wallMs / 1000;
  return {
    model: model.name,
    params,
    seed,
    rng,
    ...outputs,
    events: eventsOut,
    wall_s,
    events_per_s: wall_s > 0 ? Math.round(eventsOut / wall_s) : 0,
  };
}
