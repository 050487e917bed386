// Line pack benchmark: the seed's 8-hour baseline shift, and a plant of 10 such lines in one simulation.
// Run: npx tsx --conditions @doppel/source packages/packs/line/bench/line.ts [--runs N]
// Prints one JSON object per scenario: {scenario, wall_s, engine_events, ledger_events, events_per_s}; wall_s is
// the median over the runs of runToEnd() alone (ledger hashed, no store), events_per_s counts engine events.
import { fileURLToPath } from 'node:url';
import { loadConfigDir, resolveScenarioObject, Simulation, type ResolvedScenario } from '@doppel/twin';
import { linePack } from '../src/index.js';

const packs = [linePack];
const CONFIG = fileURLToPath(new URL('../../../../examples/line/config', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;

function plant(base: ResolvedScenario, lines: number): ResolvedScenario {
  return resolveScenarioObject(
    {
      doppel: 1,
      name: `plant_${lines}_lines_8hr`,
      pack: 'line',
      start: base.start,
      duration: base.durationS,
      seed: base.seed,
      line: { ...(base.config as Record<string, unknown>), lines },
    },
    { packs, fileName: 'plant.yaml' },
  );
}

async function measure(scenario: ResolvedScenario): Promise<Record<string, unknown>> {
  const walls: number[] = [];
  let engineEvents = 0;
  let ledgerEvents = 0;
  for (let i = 0; i < RUNS; i++) {
    const sim = await Simulation.create({ scenario, packs, store: null });
    const start = process.hrtime.bigint();
    sim.runToEnd();
    walls.push(Number(process.hrtime.bigint() - start) / 1e9);
    const summary = sim.summary();
    engineEvents = summary.events;
    ledgerEvents = summary.ledger_events;
  }
  walls.sort((a, b) => a - b);
  const wall = walls[Math.floor(walls.length / 2)] as number;
  return {
    scenario: scenario.name,
    wall_s: Number(wall.toFixed(4)),
    engine_events: engineEvents,
    ledger_events: ledgerEvents,
    events_per_s: Math.round(engineEvents / wall),
  };
}

const baseline = loadConfigDir(CONFIG, 'baseline_8hr', { packs });
for (const scenario of [baseline, plant(baseline, 10)]) {
  process.stdout.write(`${JSON.stringify(await measure(scenario))}\n`);
}
