import { enactorModuleName } from '@doppel/pack-controlplane';
import { resolvedScenarioFromSnapshot } from '@doppel/twin';
import type { SimulationRow } from '@doppel/catalog';
import type { ServerConfig } from '../config.js';
import type { WorkerInit } from './protocol.js';

/** The Enactor module a simulation runs (only a server with a modules directory can have one). */
function userModuleOf(row: SimulationRow, config: ServerConfig): { enactorModule?: string } {
  if (config.enactorModulesDir === null) return {};
  const module = enactorModuleName(resolvedScenarioFromSnapshot(JSON.parse(row.scenario_json), `simulation ${row.id}`));
  return module === undefined ? {} : { enactorModule: module };
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
    enactorModulesDir: config.enactorModulesDir,
    ...userModuleOf(row, config),
    sliceEvents: limits.sliceEvents,
    maxEventsPerRun: limits.maxEventsPerRun,
    heartbeatMs: Math.max(20, Math.min(1_000, Math.floor(limits.workerHeartbeatTimeoutMs / 5))),
  };
}
