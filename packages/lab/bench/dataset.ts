/**
 * Dataset benchmark: `doppel dataset generate` of 1,000 emergency-braking episodes (Euro NCAP CCRs, 10 speeds × dry
 * and wet roads × 50 seeds) on the default worker threads, Parquet files included. Target: under 60 s of wall time.
 * Run (after `npx tsc -b`: the worker threads load the compiled code, as the doppel command's do):
 *   npx tsx packages/lab/bench/dataset.ts [episodes_per_point] [workers]
 * Prints one JSON object: {bench, episodes, steps, workers, wall_s, cpu_s (this process and its threads), target, ok}.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultWorkers, generateDataset, loadDatasetSpec } from '@doppel/lab';

const perPoint = Number(process.argv[2] ?? 50);
const workers = Number(process.argv[3] ?? defaultWorkers());
const packsModule = new URL('../../../apps/cli/dist/packs.js', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'doppel-dataset-bench-'));
try {
  const specPath = join(dir, 'spec.yaml');
  writeFileSync(
    specPath,
    [
      `scenario: ${resolve(import.meta.dirname, '../../../examples/fleet/emergency-braking.yaml')}`,
      'seed: 1',
      'factors:',
      '  fleet.test.params.initial_speed: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]',
      '  fleet.environment.weather: [dry, wet]',
      `episodes_per_point: ${perPoint}`,
    ].join('\n'),
  );
  const spec = loadDatasetSpec(specPath);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const manifest = await generateDataset(spec, {
    outDir: join(dir, 'out'),
    workers,
    packsModule,
    codeVersion: 'bench',
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const episodes = manifest.files.episodes.rows;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'dataset_emergency_braking_episodes',
      episodes,
      steps: manifest.files.steps.rows,
      workers,
      wall_s: Math.round(wall * 100) / 100,
      cpu_s: Math.round(((cpu.user + cpu.system) / 1e6) * 100) / 100,
      target: 'wall_s < 60 for 1000 episodes',
      ok: episodes >= 1000 && wall < 60,
    })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
