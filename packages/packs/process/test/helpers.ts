import { createNamedStream, Environment, integrate } from '@doppel/engine';
import { MemoryLedgerStore, resolveScenarioObject, Simulation, type LedgerEvent } from '@doppel/twin';
import { compileModel, processPack, ProcessSystem, type ModelSpec } from '../src/index.js';
import { connectionOf } from '../src/config.js';

export const packs = [processPack];

/** A model from components and "a.out -> b.in" connections. */
export function model(
  components: { id: string; type: string; properties?: Record<string, unknown> }[],
  connections: string[],
): ModelSpec {
  return { components, connections: connections.map(connectionOf) };
}

/** A model on a bare engine and integrator (no twin): the system and a function running it to t. */
export function bare(spec: ModelSpec, step = 0.1, method: 'rk4' | 'euler' = 'rk4', seed = 1, reuseStepEnd = true) {
  const system = new ProcessSystem(compileModel(spec), {
    step,
    rng: (id, name) => createNamedStream(seed, `process/${id}/${name}`),
    reuseStepEnd,
  });
  const env = new Environment({ seed });
  system.start(0);
  integrate(env, { step, method, components: [system] });
  const index = (id: string): number => system.model.components.findIndex((c) => c.id === id);
  return {
    system,
    env,
    /** Runs to t (the step ending at t included). */
    runTo: (t: number) => env.run({ until: t + step / 2 }),
    out: (id: string, port: string): number => {
      const i = index(id);
      const k = system.model.components[i]?.outputs.findIndex((p) => p.name === port) ?? -1;
      return system.output(i, k);
    },
    block: <B>(id: string) => system.blocks[index(id)] as B,
    offset: (id: string) => system.offsets[index(id)] as number,
  };
}

/** Runs a scenario object through the real Simulation with an in-memory ledger. */
export async function simulate(process: Record<string, unknown>, extra: Record<string, unknown> = {}, until?: number) {
  const scenario = resolveScenarioObject(
    { doppel: 1, name: 't', pack: 'process', duration: 600, seed: 1, ...extra, process },
    { packs, fileName: 't.yaml' },
  );
  const store = new MemoryLedgerStore();
  const sim = await Simulation.create({ scenario, packs, store, validateUpdates: true });
  if (until === undefined) sim.runToEnd();
  else sim.runUntil(until);
  await sim.flush();
  const ledger: LedgerEvent[] = await store.query({ simId: sim.id, limit: 10_000_000 });
  return { sim, ledger, summary: sim.summary() };
}
