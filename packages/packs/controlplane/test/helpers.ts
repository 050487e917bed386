import { MemoryLedgerStore, Simulation, loadScenarioText, type LedgerEvent, type ResolvedScenario } from '@doppel/twin';
import { controlPlanePack } from '../src/index.js';

const packs = [controlPlanePack];

export interface ScenarioOptions {
  version?: 'legacy' | 'guarded';
  endpoints?: number;
  duration?: string;
  seed?: number;
  /** A stall of enactor-1: [at, seconds]. */
  stall?: [string, number];
  extra?: string;
}

export function scenarioText(options: ScenarioOptions = {}): string {
  const stall = options.stall;
  return `doppel: 1
name: cp
pack: controlplane
start: '2025-10-19T23:00:00Z'
duration: ${options.duration ?? '2h'}
seed: ${options.seed ?? 1}
controlplane:
  endpoints: { count: ${options.endpoints ?? 20} }
  enactor: { version: ${options.version ?? 'legacy'} }
${options.extra ?? ''}${
    stall
      ? `interventions:\n  - { at: '${stall[0]}', asset: enactor-1, action: stall, args: { duration_seconds: ${stall[1]} } }\n`
      : ''
  }`;
}

export interface Run {
  readonly sim: Simulation;
  readonly ledger: LedgerEvent[];
  readonly kpis: Record<string, number>;
}

export async function run(text: string, fileName = 'cp.yaml'): Promise<Run> {
  return runScenario(loadScenarioText(text, { packs, fileName }));
}

export async function runScenario(scenario: ResolvedScenario): Promise<Run> {
  const store = new MemoryLedgerStore();
  const sim = await Simulation.create({ scenario, packs, store, validateUpdates: true });
  sim.runToEnd();
  await sim.flush();
  const ledger = await store.query({ simId: sim.id, limit: 10_000_000 });
  return { sim, ledger, kpis: sim.kpis() };
}
