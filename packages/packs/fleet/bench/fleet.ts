// Fleet pack benchmark: one emergency-braking case (10 s at 100 Hz), 100 vehicles at 100 Hz (a platoon in a
// stop-and-go wave for 60 s), and the whole scenario library (every type with its library sweep).
// Run: npx tsx --conditions @doppel/source packages/packs/fleet/bench/fleet.ts [--runs N]
// Prints one JSON object per benchmark: {bench, wall_s (median over the runs of runToEnd() alone, ledger hashed, no
// store), cpu_s (the process's CPU time over the same runs, median: what a loaded machine inflates least), sim_s,
// realtime_factor (sim_s / wall_s), realtime_factor_cpu (sim_s / cpu_s), ledger_events, vehicles, cases, target, ok}.
// The platoon runs twice: with the default ledger (every vehicle's state and detections at 10 Hz) and with events
// only (`ledger.sample_hz: 0`), which measures the vehicle models themselves.
import { resolveScenarioObject, Simulation, type ResolvedScenario } from '@doppel/twin';
import { fleetPack, SCENARIO_TYPES } from '../src/index.js';

const packs = [fleetPack];
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;

function scenario(
  name: string,
  durationS: number,
  test: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): ResolvedScenario {
  return resolveScenarioObject(
    {
      doppel: 1,
      name,
      pack: 'fleet',
      duration: durationS,
      seed: 1,
      telemetry: { interval: 1 },
      fleet: { ...extra, test },
    },
    { packs, fileName: `${name}.yaml` },
  );
}

async function time(
  s: ResolvedScenario,
): Promise<{ wall: number; cpu: number; ledger: number; vehicles: number; cases: number }> {
  const sim = await Simulation.create({ scenario: s, packs, store: null });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  sim.runToEnd();
  const wall = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(c0);
  const cpu = (used.user + used.system) / 1e6;
  const summary = sim.summary();
  return {
    wall,
    cpu,
    ledger: summary.ledger_events,
    vehicles: summary.kpis.vehicles ?? 0,
    cases: summary.kpis.cases ?? 0,
  };
}

async function measure(
  bench: string,
  list: ResolvedScenario[],
  simS: number,
  target: string,
  ok: (wall: number, rtf: number) => boolean,
): Promise<void> {
  const walls: number[] = [];
  const cpus: number[] = [];
  let ledger = 0;
  let vehicles = 0;
  let cases = 0;
  for (let r = 0; r < RUNS; r++) {
    let wall = 0;
    let cpu = 0;
    ledger = 0;
    vehicles = 0;
    cases = 0;
    for (const s of list) {
      const m = await time(s);
      wall += m.wall;
      cpu += m.cpu;
      ledger += m.ledger;
      vehicles += m.vehicles;
      cases += m.cases;
    }
    walls.push(wall);
    cpus.push(cpu);
  }
  walls.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  const wall = walls[Math.floor(walls.length / 2)] as number;
  const cpuS = cpus[Math.floor(cpus.length / 2)] as number;
  const rtf = simS / wall;
  process.stdout.write(
    JSON.stringify({
      bench,
      wall_s: Number(wall.toFixed(4)),
      cpu_s: Number(cpuS.toFixed(4)),
      sim_s: simS,
      realtime_factor: Number(rtf.toFixed(1)),
      realtime_factor_cpu: simS > 0 ? Number((simS / cpuS).toFixed(1)) : 0,
      ledger_events: ledger,
      vehicles,
      cases,
      target,
      ok: ok(wall, rtf),
    }) + '\n',
  );
}

// A 10 s emergency-braking run at 100 Hz: the target is far enough that the vehicle drives, brakes and stops in 10 s.
const eb = scenario('eb-10s', 10, { type: 'emergency_braking', params: { initial_speed: 60 } });
await measure('emergency_braking_10s_100hz', [eb], 10, 'wall_s < 0.05', (wall) => wall < 0.05);

const platoon = scenario('platoon-100', 60, { type: 'traffic_flow', params: { vehicles: 100, duration_s: 60 } });
await measure('platoon_100_vehicles_100hz', [platoon], 60, 'realtime_factor >= 100', (_w, rtf) => rtf >= 100);

const platoonModels = scenario(
  'platoon-100-models',
  60,
  { type: 'traffic_flow', params: { vehicles: 100, duration_s: 60 } },
  { ledger: { sample_hz: 0 } },
);
await measure(
  'platoon_100_vehicles_100hz_events_only',
  [platoonModels],
  60,
  'realtime_factor >= 100',
  (_w, rtf) => rtf >= 100,
);

const library: ResolvedScenario[] = [];
for (const type of SCENARIO_TYPES) {
  const sweep = type.librarySweep;
  library.push(
    scenario(`library-${type.type}`, 1200, {
      type: type.type,
      ...(sweep !== undefined ? { sweep: { [sweep.param]: sweep.values } } : {}),
    }),
  );
}
await measure('scenario_library_12_types', library, 0, 'wall_s < 5', (wall) => wall < 5);
