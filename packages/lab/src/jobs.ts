import { crnSeed, type DesignPoint } from './design.js';
import type { Experiment } from './load-experiment.js';
import type { ReplicationJob } from './replicate.js';

/** The job of replication `index` at `point`: plain data, the same on every thread, process and machine. */
export function jobFor(
  experiment: Experiment,
  point: DesignPoint,
  index: number,
  packsModule: string,
  trace = false,
): ReplicationJob {
  const base = experiment.base;
  const seed = crnSeed(experiment.seed, index);
  if ('model' in base) return { kind: 'model', model: base.model, params: base.params, settings: point.settings, seed };
  return {
    kind: 'scenario',
    scenarioPath: experiment.scenarioPath as string,
    packsModule,
    settings: point.settings,
    seed,
    ...(trace ? { trace } : {}),
  };
}
