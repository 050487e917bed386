import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { runBench } from '@doppel/bench';
import {
  readYaml,
  resolveScenarioObject,
  IssueList,
  Simulation,
  type AnyPack,
  type Plain,
  type ResolvedScenario,
} from '@doppel/twin';
import type { FactorValue } from './design.js';
import { TraceRecorder, type LedgerTrace } from './divergence.js';

/** What one replication needs: everything plain data, so it crosses into a worker thread unchanged. */
export type ReplicationJob = {
  readonly settings: Readonly<Record<string, FactorValue>>;
  readonly seed: number;
  /** Also return the run's ledger trace (scenario bases), to find where paired runs diverge. */
  readonly trace?: boolean;
} & (
  | { readonly kind: 'model'; readonly model: string; readonly params: Readonly<Record<string, number>> }
  | { readonly kind: 'scenario'; readonly scenarioPath: string; readonly packsModule: string }
);

/** A replication's result: the run's summary record (outputs are read from it by path). */
export type ReplicationRecord = Readonly<Record<string, unknown>>;

/** A replication's record, with its ledger trace when the job asked for one and the base has a ledger. */
export interface ReplicationOutcome {
  readonly record: ReplicationRecord;
  readonly trace: LedgerTrace | null;
}

/** Runs one replication to its end in this thread. */
export async function runReplication(job: ReplicationJob): Promise<ReplicationOutcome> {
  if (job.kind === 'model') {
    const params: Record<string, number> = { ...job.params };
    for (const [path, value] of Object.entries(job.settings)) {
      const key = path.startsWith('params.') ? path.slice('params.'.length) : path;
      if (typeof value !== 'number') throw new TypeError(`factor ${path}: a model parameter is a number`);
      params[key] = value;
    }
    const result = runBench({ model: job.model, params, seed: job.seed });
    // Wall-clock fields differ run to run: they are measurements of the machine, not of the model.
    const { wall_s: _wall, events_per_s: _rate, ...outputs } = result;
    return { record: outputs, trace: null };
  }
  const packs = await loadPacks(job.packsModule);
  const scenario = resolveWithSettings(job.scenarioPath, packs, job.settings, job.seed);
  const simulation = await Simulation.create({ scenario, packs, seed: job.seed, store: null, createdAt: EPOCH });
  const recorder = job.trace === true ? new TraceRecorder() : null;
  const unsubscribe = recorder === null ? null : simulation.subscribe((records) => recorder.add(records));
  simulation.runToEnd();
  await simulation.flush();
  unsubscribe?.();
  if (simulation.status === 'failed') throw simulation.error ?? new Error('simulation failed');
  const { wall_s: _wall, sim_id: _id, ...summary } = simulation.summary();
  return { record: summary, trace: recorder?.trace() ?? null };
}

/** A fixed creation time: what a run records is a function of its scenario and seed only. */
export const EPOCH = '1970-01-01T00:00:00.000Z';

/** The scenario file with each factor's field set to its value at a point, resolved on `seed`. */
export function resolveWithSettings(
  scenarioPath: string,
  packs: readonly AnyPack[],
  settings: Readonly<Record<string, FactorValue>>,
  seed: number,
): ResolvedScenario {
  const issues = new IssueList();
  const raw = readYaml(readFileSync(scenarioPath, 'utf8'), scenarioPath, issues);
  issues.throwIfAny();
  let document: Plain = raw ?? null;
  for (const [path, value] of Object.entries(settings)) document = setPath(document, path.split('.'), value);
  return resolveScenarioObject(document, { packs, seed, fileName: scenarioPath, baseDir: dirname(scenarioPath) });
}

/** The packs a scenario replication resolves against, from a module exporting `builtinPacks`. */
export async function loadPacks(specifier: string): Promise<readonly AnyPack[]> {
  const module = (await import(specifier)) as { builtinPacks?: readonly AnyPack[] };
  if (!Array.isArray(module.builtinPacks)) throw new TypeError(`${specifier} exports no builtinPacks list`);
  return module.builtinPacks;
}

/** A copy of `document` with the field at `path` set (arrays by index, objects by key), creating objects on the way. */
function setPath(document: Plain, path: readonly string[], value: FactorValue): Plain {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(document)) {
    const index = Number(head);
    if (!Number.isInteger(index) || index < 0 || index >= document.length) {
      throw new RangeError(`factor path: no element ${head} in a list of ${document.length}`);
    }
    const copy = [...document];
    copy[index] = setPath(copy[index], rest, value);
    return copy;
  }
  const object = document !== null && typeof document === 'object' ? document : {};
  return { ...object, [head]: setPath((object as Record<string, Plain>)[head] ?? null, rest, value) };
}
