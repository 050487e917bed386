import {
  MemoryLedgerStore,
  resolveScenarioObject,
  Simulation,
  type LedgerEvent,
  type ResolvedScenario,
} from '@doppel/twin';
import { linePack, type LineRuntime } from '../src/index.js';

export const packs = [linePack];

export interface StationOptions {
  readonly cycle?: number;
  readonly batch_in?: number;
  readonly output_type?: string;
  readonly buffer_capacity?: number;
  readonly reliability?: Record<string, unknown>;
  readonly performance?: Record<string, unknown>;
  readonly quality?: Record<string, unknown>;
  readonly cost_rates?: Record<string, unknown>;
}

export const product = {
  name: 'paste',
  description: 'Test paste',
  size_oz: 5,
  units_per_case: 12,
  cases_per_pallet: 10,
  material_cost: 100,
  selling_price: 300,
};

/** A linear line config: stations named a, b, c... with the given parameters. */
export function linearConfig(
  stations: Record<string, StationOptions>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const equipment = Object.entries(stations).map(([name, s]) => ({
    name,
    cycle_time_sec: s.cycle ?? 1,
    ...(s.batch_in !== undefined ? { batch_in: s.batch_in } : {}),
    ...(s.output_type !== undefined ? { output_type: s.output_type } : {}),
    ...(s.buffer_capacity !== undefined ? { buffer_capacity: s.buffer_capacity } : {}),
    ...(s.reliability !== undefined ? { reliability: s.reliability } : {}),
    ...(s.performance !== undefined ? { performance: s.performance } : {}),
    ...(s.quality !== undefined ? { quality: s.quality } : {}),
    ...(s.cost_rates !== undefined ? { cost_rates: s.cost_rates } : {}),
  }));
  return {
    scenario: { name: 'test', topology: { name: 'test_line', stations: Object.keys(stations) }, equipment },
    product,
    ...extra,
  };
}

export function scenarioOf(
  line: Record<string, unknown>,
  options: { durationS: number; seed?: number; interventions?: unknown[]; telemetryS?: number },
): ResolvedScenario {
  return resolveScenarioObject(
    {
      doppel: 1,
      pack: 'line',
      start: '2026-03-02T06:00:00Z',
      duration: options.durationS,
      seed: options.seed ?? 1,
      ...(options.telemetryS !== undefined ? { telemetry: { interval: options.telemetryS } } : {}),
      ...(options.interventions !== undefined ? { interventions: options.interventions } : {}),
      line,
    },
    { packs, fileName: 'test-line.yaml' },
  );
}

export interface Ran {
  readonly sim: Simulation;
  readonly line: LineRuntime;
  readonly ledger: LedgerEvent[];
}

/** Runs a scenario to its end on the real Simulation (schemas checked on every update) and returns its ledger. */
export async function run(scenario: ResolvedScenario, lineId = 'line'): Promise<Ran> {
  const store = new MemoryLedgerStore();
  const sim = await Simulation.create({ scenario, packs, store, validateUpdates: true });
  sim.runToEnd();
  await sim.flush();
  const ledger = await store.query({ simId: sim.id, limit: 10_000_000 });
  return { sim, line: sim.asset(lineId).runtime as LineRuntime, ledger };
}

export function machine(ran: Ran, id: string): LineRuntime['machines'][number] {
  const found = ran.line.machines.find((m) => m.id === id);
  if (found === undefined) throw new Error(`no machine ${id}`);
  return found;
}

export function sumTimes(times: Record<string, number>): number {
  return Object.values(times).reduce((a, b) => a + b, 0);
}
