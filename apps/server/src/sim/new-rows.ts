import { newId, type NewSimulation } from '@doppel/catalog';

type NewRow = NewSimulation;

/** What a new simulation's row takes from its scenario. */
interface ScenarioFacts {
  readonly pack: string;
  readonly durationS: number;
  readonly start: string;
  readonly timezone: string;
}

/** The catalog row of a new simulation of an account: a fresh id, the scenario's facts, then `fields`. */
export function newSimulationRow(
  accountId: string,
  scenario: ScenarioFacts,
  fields: Pick<NewRow, 'name' | 'example' | 'scenario_json' | 'seed' | 'status' | 'sim_time'> &
    Partial<Pick<NewRow, 'parent_id' | 'fork_time'>>,
): NewRow {
  return {
    id: newId('sim'),
    account_id: accountId,
    pack: scenario.pack,
    duration_s: scenario.durationS,
    start_iso: scenario.start,
    timezone: scenario.timezone,
    parent_id: null,
    fork_time: null,
    created_at: new Date().toISOString(),
    ...fields,
  };
}
