// Process pack benchmark: a plant of 100 components (ten heated-tank loops of ten components each) at a 10 ms step.
// Run: npx tsx --conditions @doppel/source packages/packs/process/bench/process.ts [--runs N] [--duration S]
// Prints one JSON object: {scenario, components, step_s, sim_s, wall_s, steps_per_s, realtime_ratio, ledger_events,
// ledger_sha256} (the hash shows two trees compared side by side ran the same model);
// wall_s is the median over the runs of runToEnd() alone (ledger hashed, no store), cpu_s the CPU time the process
// got meanwhile (on a shared machine wall time also counts other processes). Target: realtime_ratio ≥ 1000.
import { resolveScenarioObject, Simulation, type ResolvedScenario } from '@doppel/twin';
import { processPack } from '../src/index.js';

const packs = [processPack];
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 3);
const DURATION = arg('duration', 600);

/** One heated tank loop: feed, feed temperature, tank, heater, sensor, PID, drain opening, drain valve, thermostat, level sensor. */
function loop(k: number): { components: object[]; connections: string[] } {
  const id = (name: string): string => `${name}_${k}`;
  return {
    components: [
      {
        id: id('feed'),
        type: 'source',
        properties: { kind: 'sine', offset: 0.1, amplitude: 0.02, frequency_hz: 0.001, unit: 'L/s' },
      },
      { id: id('feed_t'), type: 'source', properties: { kind: 'constant', value: 15, unit: 'degC' } },
      { id: id('tank'), type: 'tank', properties: { area_m2: 0.25, height_m: 1.2, initial_level_m: 0.8, loss_w_k: 5 } },
      { id: id('heater'), type: 'heater', properties: { max_power_w: 20000 } },
      { id: id('sensor'), type: 'sensor', properties: { noise_sd: 0.1, time_constant_s: 5, sample_s: 0.1 } },
      { id: id('pid'), type: 'pid', properties: { kp: 2000, ki: 4, setpoint: 40 + k, out_max: 20000 } },
      { id: id('opening'), type: 'source', properties: { kind: 'constant', value: 0.3, unit: 'fraction' } },
      { id: id('drain'), type: 'valve', properties: { kv_m3h: 4 } },
      { id: id('level'), type: 'sensor', properties: { noise_sd: 0.001 } },
      { id: id('alarm'), type: 'thermostat', properties: { setpoint: 1.1, action: 'cooling', hysteresis: 0.05 } },
    ],
    connections: [
      `${id('feed')}.out -> ${id('tank')}.inflow`,
      `${id('feed_t')}.out -> ${id('tank')}.inlet_temperature`,
      `${id('tank')}.temperature -> ${id('sensor')}.value`,
      `${id('sensor')}.measured -> ${id('pid')}.pv`,
      `${id('pid')}.out -> ${id('heater')}.power`,
      `${id('heater')}.heat -> ${id('tank')}.heat`,
      `${id('opening')}.out -> ${id('drain')}.opening`,
      `${id('tank')}.pressure -> ${id('drain')}.p_in`,
      `${id('drain')}.flow -> ${id('tank')}.outflow`,
      `${id('tank')}.level -> ${id('level')}.value`,
      `${id('level')}.measured -> ${id('alarm')}.pv`,
    ],
  };
}

function plant(loops: number): ResolvedScenario {
  const parts = Array.from({ length: loops }, (_, k) => loop(k));
  return resolveScenarioObject(
    {
      doppel: 1,
      name: `process_${loops * 10}_components`,
      pack: 'process',
      duration: DURATION,
      seed: 1,
      process: {
        step_s: 0.01,
        components: parts.flatMap((p) => p.components),
        connections: parts.flatMap((p) => p.connections),
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
