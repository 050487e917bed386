import type { SimulationRow } from '@doppel/catalog';
import type { ServerConfig } from '../config.js';
import type { WorkerInit } from './protocol.js';

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
    log: row.parent_id !== null || log.length > 0 ? log : undefined,
    runTo: row.sim_time,
    speed: row.speed,
    failed: row.status === 'failed' ? (row.error ?? 'the simulation failed') : undefined,
    createdAt: row.created_at,
    packModules: config.packModules,
    sliceEvents: limits.sliceEvents,
    maxEventsPerRun: limits.maxEventsPerRun,
    heartbeatMs: Math.max(20, Math.min(1_000, Math.floor(limits.workerHeartbeatTimeoutMs / 5))),
  };
}
