import type { SimulationRecord } from '@doppel/twin';

/** A row of the simulations table. */
export interface SimulationRow {
  sim_key: number;
  sim_id: string;
  name: string;
  pack: string;
  scenario_sha256: string;
  scenario_json: string;
  seed: number;
  parent_sim_id: string | null;
  fork_seq: number | null;
  created_at: string;
  account: string | null;
}

export const SIMULATION_COLUMNS =
  'sim_id, name, pack, scenario_sha256, scenario_json, seed, parent_sim_id, fork_seq, created_at, account';

export function toSimulationRecord(row: SimulationRow): SimulationRecord {
  return {
    simId: row.sim_id,
    name: row.name,
    pack: row.pack,
    scenarioSha256: row.scenario_sha256,
    scenarioJson: row.scenario_json,
    seed: row.seed,
    parentSimId: row.parent_sim_id,
    forkSeq: row.fork_seq,
    createdAt: row.created_at,
    account: row.account,
  };
}

export function simulationParams(record: SimulationRecord): unknown[] {
  return [
    record.simId,
    record.name,
    record.pack,
    record.scenarioSha256,
    record.scenarioJson,
    record.seed,
    record.parentSimId,
    record.forkSeq,
    record.createdAt,
    record.account ?? null,
  ];
}
