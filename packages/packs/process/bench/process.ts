// Process pack benchmark: a plant of 100 components (ten heated-tank loops of ten components each, the plant of
// test/heated-tank-plant.ts) at a 10 ms step.
// Run: npx tsx --conditions @doppel/source packages/packs/process/bench/process.ts [--runs N] [--duration S]
// Prints one JSON object: {scenario, components, step_s, sim_s, wall_s, steps_per_s, realtime_ratio, ledger_events,
// ledger_sha256} (the hash shows two trees compared side by side ran the same model);
// wall_s is the median over the runs of runToEnd() alone (ledger hashed, no store), cpu_s the CPU time the process
// got meanwhile (on a shared machine wall time also counts other processes). Target: realtime_ratio ≥ 1000.
import { resolveScenarioObject, Simulation, type ResolvedScenario } from '@doppel/twin';
import { processPack } from '../src/index.js';
import { heatedTankPlant } from '../test/heated-tank-plant.js';

const packs = [processPack];
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 3);
const DURATION = arg('duration', 600);

function plant(loops: number): ResolvedScenario {
  const { components, connections } = heatedTankPlant(Array.from({ length: loops }, (_, k) => k));
  return resolveScenarioObject(
    {
      doppel: 1,
      name: `process_${loops * 10}_components`,
      pack: 'process',
      duration: DURATION,
      seed: 1,
      process: {
        step_s: 0.01,
        components,
        connections,
      },
    },
    { packs, fileName: 'plant.yaml' },
  );
}

const scenario = plant(10);
const runs: { wall: number; cpu: number }[] = [];
let ledger = 0;
let ledgerSha = '';
for (let i = 0; i < RUNS; i++) {
  const sim = await Simulation.create({ scenario, packs, store: null });
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  sim.runToEnd();
  const used = process.cpuUsage(cpu);
  runs.push({ wall: Number(process.hrtime.bigint() - start) / 1e9, cpu: (used.user + used.system) / 1e6 });
  const summary = sim.summary();
  ledger = summary.ledger_events;
  ledgerSha = summary.ledger_sha256;
}
runs.sort((a, b) => a.wall - b.wall);
const median = runs[Math.floor(runs.length / 2)] as { wall: number; cpu: number };
const wall = median.wall;
const steps = DURATION / 0.01;
process.stdout.write(
  `${JSON.stringify({
    scenario: scenario.name,
    components: 100,
    step_s: 0.01,
    sim_s: DURATION,
    wall_s: Number(wall.toFixed(4)),
    cpu_s: Number(median.cpu.toFixed(4)),
    steps_per_s: Math.round(steps / wall),
    realtime_ratio: Math.round(DURATION / wall),
    realtime_ratio_cpu: Math.round(DURATION / median.cpu),
    ledger_events: ledger,
    ledger_sha256: ledgerSha,
  })}\n`,
);
