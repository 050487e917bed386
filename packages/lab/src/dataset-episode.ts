import { Simulation, type DatasetValue, type ResolvedScenario } from '@doppel/twin';
import { EPOCH, loadPacks } from './replicate.js';

/** One episode to run: plain data, so it crosses into a worker thread unchanged. */
export interface EpisodeJob {
  readonly episode: number;
  readonly scenario: ResolvedScenario;
  readonly seed: number;
  readonly horizonS: number;
  /** A module URL exporting `builtinPacks`: the pack of the scenario supplies the dataset's recorder. */
  readonly packsModule: string;
}

/** An episode's rows: per step (the pack's step columns) and its own (the pack's episode columns). */
export interface EpisodeOutcome {
  readonly episode: number;
  readonly steps: readonly (readonly DatasetValue[])[];
  readonly row: readonly DatasetValue[];
}

/**
 * Runs one episode to its end in this thread without a store: the pack's recorder reads every ledger record as it is
 * appended (the ledger is the truth the rows derive from, so an episode's rows are as deterministic as its ledger).
 */
export async function runEpisode(job: EpisodeJob): Promise<EpisodeOutcome> {
  const packs = await loadPacks(job.packsModule);
  const dataset = packs.find((pack) => pack.name === job.scenario.pack)?.dataset;
  if (dataset === undefined) throw new TypeError(`the ${job.scenario.pack} pack writes no training data`);
  const simulation = await Simulation.create({
    scenario: job.scenario,
    packs,
    seed: job.seed,
    store: null,
    createdAt: EPOCH,
  });
  const recorder = dataset.recorder({ scenario: job.scenario, assets: simulation.assets(), horizonS: job.horizonS });
  const stop = simulation.observe((record) => recorder.record(record));
  simulation.runToEnd();
  await simulation.flush();
  stop();
  if (simulation.status === 'failed') throw simulation.error ?? new Error('simulation failed');
  const { steps, episode } = recorder.finish();
  return { episode: job.episode, steps, row: episode };
}
