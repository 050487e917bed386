import { join } from 'node:path';
import type { Command } from 'commander';
import { runAndReport } from '../run-scenario.js';
import { loadSelectedScenario, parseSeedFlag } from '../scenario-source.js';
import { parseSecondsFlag } from '../seconds-flag.js';
import { DEFAULT_STALL_TIMEOUT_S } from '../watched-run.js';

interface RunFlags {
  run?: string;
  config?: string;
  seed?: string;
  until?: string;
  out?: string;
  export?: boolean;
  json?: boolean;
  progress?: boolean;
  stallTimeout?: string;
}

/** Registers `doppel run`: resolve a scenario, run it to its horizon, write its outputs. */
export function register(program: Command): void {
  program
    .command('run')
    .description('Run a scenario to its end and write summary.json, ledger.csv, telemetry.csv and the ledger database')
    .argument('[scenario]', 'a scenario YAML file')
    .option('--run <name>', 'a run of a config directory (runs/<name>.yaml), seed 002 layout')
    .option('--config <dir>', 'the config directory for --run', 'config')
    .option('--seed <n>', 'random seed (overrides the scenario)')
    .option('--until <duration>', 'simulated duration, e.g. 24h, 90m, 1200s (overrides the scenario)')
    .option('--out <dir>', 'output directory (default: output/<scenario name>)')
    .option('--export', 'write the output tables (always on; kept for seed 002 command lines)')
    .option('--json', 'print summary.json on stdout and nothing else')
    .option('--no-progress', 'no progress bar')
    .option(
      '--stall-timeout <seconds>',
      `with a user-supplied module (Enactor, driving policy): seconds without progress before the run is stopped (default: ${DEFAULT_STALL_TIMEOUT_S})`,
    )
    .action(async (file: string | undefined, flags: RunFlags) => {
      const stallTimeoutS = parseSecondsFlag('--stall-timeout', flags.stallTimeout, DEFAULT_STALL_TIMEOUT_S);
      const scenario = loadSelectedScenario({
        file,
        run: flags.run,
        config: flags.config,
        seed: flags.seed,
        until: flags.until,
      });
      const outDir = flags.out ?? join('output', scenario.name);
      const seed = parseSeedFlag(flags.seed);
      await runAndReport(scenario, {
        outDir,
        json: flags.json === true,
        progress: flags.progress !== false,
        stallTimeoutS,
        ...(seed === undefined ? {} : { seed }),
      });
    });
}
