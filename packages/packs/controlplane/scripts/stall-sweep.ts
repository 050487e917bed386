// The stall-duration sweep: for each stall length, one Enactor stalls after its staleness check and the run reports
// what the legacy and the guarded Enactor leave behind. Prints a Markdown table (the one in the pack's README).
//   npx tsx --conditions=@doppel/source packages/packs/controlplane/scripts/stall-sweep.ts [endpoints] [seeds]
import { Simulation, loadScenarioText } from '@doppel/twin';
import { controlPlanePack } from '../src/index.js';

const endpoints = Number(process.argv[2] ?? 100);
const seeds = Number(process.argv[3] ?? 5);
const stalls = [30, 60, 120, 180, 240, 270, 300, 330, 360, 420, 600, 900];
const packs = [controlPlanePack];

async function run(version: string, stallS: number, seed: number): Promise<Record<string, number>> {
  const text = `doppel: 1
name: sweep
pack: controlplane
start: '2025-10-19T00:00:00Z'
duration: 2h
seed: ${seed}
controlplane:
  endpoints: { count: ${endpoints} }
  planner: { period_s: 30, jitter_s: 3 }
  enactor: { version: ${version}, keep_generations: 10 }
interventions:
  - { at: '00:30', asset: enactor-2, action: stall, args: { duration_seconds: ${stallS} } }
`;
  const scenario = loadScenarioText(text, { packs, fileName: 'sweep.yaml' });
  const sim = await Simulation.create({ scenario, packs, store: null });
  sim.runToEnd();
  return sim.kpis();
}

const lines = [
  `Stall of enactor-2 at 00:30 (after its staleness check); ${endpoints} endpoints, plans every 30 s ± 3 s, clean-up keeps 10 generations; ${seeds} seeds per row.`,
  '',
  '| stall (s) | legacy: runs with an empty record | legacy: empty record × endpoint·s (mean) | legacy: stale writes (mean) | legacy: referenced plans deleted (mean) | guarded: runs with an empty record | guarded: stale writes |',
  '|---:|---:|---:|---:|---:|---:|---:|',
];
for (const stall of stalls) {
  let legacyEmptyRuns = 0;
  let legacyEmpty = 0;
  let legacyStale = 0;
  let legacyActive = 0;
  let guardedEmptyRuns = 0;
  let guardedStale = 0;
  for (let seed = 1; seed <= seeds; seed += 1) {
    const legacy = await run('legacy', stall, seed);
    if (legacy.empty_record_endpoint_seconds > 0) legacyEmptyRuns += 1;
    legacyEmpty += legacy.empty_record_endpoint_seconds / seeds;
    legacyStale += legacy.stale_writes / seeds;
    legacyActive += legacy.active_plans_deleted / seeds;
    const guarded = await run('guarded', stall, seed);
    if (guarded.empty_record_endpoint_seconds > 0) guardedEmptyRuns += 1;
    guardedStale += guarded.stale_writes;
  }
  lines.push(
    `| ${stall} | ${legacyEmptyRuns}/${seeds} | ${Math.round(legacyEmpty)} | ${legacyStale.toFixed(1)} | ${legacyActive.toFixed(1)} | ${guardedEmptyRuns}/${seeds} | ${guardedStale} |`,
  );
}
process.stdout.write(lines.join('\n') + '\n');
