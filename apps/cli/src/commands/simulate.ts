import { join } from 'node:path';
import type { Command } from 'commander';
import { BUNDLE_FILES, readBundle } from '../bundle.js';
import { runAndReport } from '../run-scenario.js';
import { parseSeedFlag } from '../scenario-source.js';

interface SimulateFlags {
  scenario: string;
  out?: string;
  seed?: string;
  json?: boolean;
  progress?: boolean;
}

/** Registers `doppel simulate`: run a bundle made by `configure` from its frozen snapshot. */
export function register(program: Command): void {
  program
    .command('simulate')
    .description('Run a scenario bundle (made by doppel configure) from its frozen snapshot into <bundle>/output')
    .requiredOption('--scenario <bundle>', 'the bundle directory')
    .option('--out <dir>', 'output directory (default: <bundle>/output)')
    .option('--seed <n>', 'random seed (overrides the bundle)')
    .option('--json', 'print summary.json on stdout and nothing else')
    .option('--no-progress', 'no progress bar')
    .action(async (flags: SimulateFlags) => {
      const { scenario } = readBundle(flags.scenario);
      const outDir = flags.out ?? join(flags.scenario, BUNDLE_FILES.output);
      const seed = parseSeedFlag(flags.seed);
      await runAndReport(scenario, {
        outDir,
        json: flags.json === true,
        progress: flags.progress !== false,
        ...(seed === undefined ? {} : { seed }),
      });
    });
}
