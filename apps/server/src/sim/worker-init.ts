import { resolvedScenarioFromSnapshot } from '@doppel/twin';
import type { SimulationRow } from '@doppel/catalog';
import type { ServerConfig } from '../config.js';
import { FmuFiles } from '../fmus/fmu-files.js';
import { userModuleNamed } from '../user-modules.js';
import type { WorkerInit } from './protocol.js';

/** The user-supplied module a simulation runs, described for the verdict on a worker that stops responding. */
function userModuleOf(row: SimulationRow, config: ServerConfig): { userModule?: string } {
  if (Object.values(config.moduleDirs).every((dir) => dir === null)) return {};
  const named = userModuleNamed(resolvedScenarioFromSnapshot(JSON.parse(row.scenario_json), `simulation ${row.id}`));
  return named === undefined ? {} : { userModule: `${named.kind.noun} ${named.module}` };
}

/** What the worker of a catalogued simulation starts with: its inputs, where it stood, and the server's limits. */
export function workerInitOf(row: SimulationRow, ledgerPath: string, config: ServerConfig): WorkerInit {
  const limits = config.limits;
  const log = JSON.parse(row.intervention_log) as [];
  return {
    simId: row.id,
    name: row.name,
    scenarioJson: row.scenario_json,
    seed: row.seed,
    ledgerPath,
    storeUrl: config.storeUrl,
    log: row.parent_id !== null || log.length > 0 ? log : undefined,
    runTo: row.sim_time,
    speed: row.speed,
    failed: row.status === 'failed' ? (row.error ?? 'the simulation failed') : undefined,
    createdAt: row.created_at,
    packModules: config.packModules,
    moduleDirs: config.moduleDirs,
    ...userModuleOf(row, config),
    sliceEvents: limits.sliceEvents,
    maxEventsPerRun: limits.maxEventsPerRun,
    heartbeatMs: Math.max(20, Math.min(1_000, Math.floor(limits.workerHeartbeatTimeoutMs / 5))),
    fmuDir: new FmuFiles(config.dataDir).dir,
  };
}
