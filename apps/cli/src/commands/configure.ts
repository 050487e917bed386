import { join } from 'node:path';
import type { Command } from 'commander';
import { bundleMetadata, bundleName, BUNDLE_FILES, writeBundle } from '../bundle.js';
import { loadSelectedScenario } from '../scenario-source.js';

interface ConfigureFlags {
  run: string;
  config: string;
  out: string;
  seed?: string;
  until?: string;
  dryRun?: boolean;
}

/** Registers `doppel configure`: freeze a run into a reproducible bundle (seed 002's two-stage workflow). */
export function register(program: Command): void {
  program
    .command('configure')
    .description('Resolve a run of a config directory into a frozen, hashed scenario bundle')
    .requiredOption('--run <name>', 'the run (runs/<name>.yaml)')
    .option('--config <dir>', 'the config directory', 'config')
    .option('--out <dir>', 'where bundles are created', 'scenarios')
    .option('--seed <n>', 'random seed (overrides the run)')
    .option('--until <duration>', 'simulated duration (overrides the run)')
    .option('--dry-run', 'show the bundle that would be written, write nothing')
    .action((flags: ConfigureFlags) => {
      const scenario = loadSelectedScenario({
        run: flags.run,
        config: flags.config,
        seed: flags.seed,
        until: flags.until,
      });
      const at = new Date();
      const dir = join(flags.out, bundleName(flags.run, at));
      const metadata = bundleMetadata(scenario, flags.run, flags.config, at);
      if (flags.dryRun) {
        process.stdout.write(
          [
            `dry run: would create ${dir}/`,
            `  ${BUNDLE_FILES.snapshot}  resolved scenario "${scenario.name}" (${scenario.pack}), sha256 ${scenario.sha256}`,
            `  ${BUNDLE_FILES.metadata}        ${JSON.stringify(metadata)}`,
            `  ${BUNDLE_FILES.runner}               runs: doppel simulate --scenario ${dir}`,
            '',
          ].join('\n'),
        );
        return;
      }
      writeBundle(dir, scenario, metadata);
      process.stdout.write(`created ${dir}/\n  run it with: npx doppel simulate --scenario ${dir}\n`);
    });
}
