import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DATASET_FILES, defaultWorkers, generateDataset, loadDatasetSpec, type DatasetManifest } from '@doppel/lab';
import { ProgressBar } from '../progress.js';
import { UserError } from '../user-error.js';
import { VERSION } from '../version.js';
import { builtinPacksModule } from '@doppel/server/packs';

interface GenerateFlags {
  out: string;
  workers?: string;
  json?: boolean;
}

/** The module episodes load their packs from: this command's own list, in the worker threads too. */

/** Registers `doppel dataset generate`: labelled training episodes from a sweep over a scenario, as Parquet. */
export function register(program: Command): void {
  const dataset = program.command('dataset').description('Training data for machine learning from swept scenarios');
  dataset
    .command('generate')
    .description(
      `Run every episode of a dataset spec and write ${DATASET_FILES.episodes}, ${DATASET_FILES.steps} and ` +
        `${DATASET_FILES.manifest} (written last)`,
    )
    .argument('<spec>', 'a dataset spec (YAML): base scenario, factors swept, episodes per point, label horizon')
    .requiredOption('--out <dir>', 'output directory')
    .option('--workers <n>', 'worker threads (default: one per core)')
    .option('--json', 'print the manifest as JSON instead of a summary')
    .action(async (file: string, flags: GenerateFlags) => {
      const workers = parseWorkers(flags.workers);
      const spec = loadDatasetSpec(file);
      const bar = new ProgressBar(spec.name, flags.json !== true);
      const manifest = await generateDataset(spec, {
        outDir: flags.out,
        workers,
        packsModule: builtinPacksModule,
        codeVersion: VERSION,
        onProgress: ({ done, total }) => bar.update(done / total, `${done}/${total} episodes`),
      });
      bar.done();
      process.stdout.write(
        flags.json === true ? `${JSON.stringify(manifest)}\n` : summary(manifest, resolve(flags.out)),
      );
    });
}

function parseWorkers(text: string | undefined): number {
  if (text === undefined) return defaultWorkers();
  const workers = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(workers) || workers < 1 || workers > 256) {
    throw new UserError(`--workers: expected an integer from 1 to 256, found "${text}"`);
  }
  return workers;
}

function summary(manifest: DatasetManifest, outDir: string): string {
  const labels = manifest.schema.steps.filter((c) => c.role === 'label').map((c) => c.name);
  return (
    `${manifest.name}: ${manifest.files.episodes.rows} episodes, ${manifest.files.steps.rows} steps ` +
    `(${manifest.pack} pack, labels ${labels.join(', ')})\n` +
    `wrote ${outDir}/{${DATASET_FILES.episodes},${DATASET_FILES.steps},${DATASET_FILES.manifest}}\n`
  );
}
