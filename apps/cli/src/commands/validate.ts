import {
  loadConfigDir,
  loadScenarioFile,
  listRuns,
  ScenarioError,
  TwinError,
  type AnyPack,
  type ResolvedScenario,
} from '@doppel/twin';
import { CommanderError, type Command } from 'commander';
import { builtinPacks } from '@doppel/server/packs';

export interface ValidateOptions {
  config?: string;
  run?: string;
  seed?: number;
}

/** Reports a user error on stderr and ends the command with exit code 2 (no stack trace, no usage dump). */
function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  throw new CommanderError(2, 'doppel.validate.failed', message);
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(seed))
    fail(`doppel: --seed must be a non-negative integer, got "${value}"`);
  return seed;
}

function load(file: string | undefined, options: ValidateOptions, packs: readonly AnyPack[]): ResolvedScenario {
  const loadOptions = { packs, ...(options.seed !== undefined ? { seed: options.seed } : {}) };
  if (options.config !== undefined) {
    if (file !== undefined) fail('doppel: give either a scenario file or --config DIR --run NAME, not both');
    if (options.run === undefined) {
      fail(
        `doppel: --config needs --run NAME (runs in ${options.config}: ${listRuns(options.config).join(', ') || '(none)'})`,
      );
    }
    return loadConfigDir(options.config, options.run, loadOptions);
  }
  if (file === undefined) fail('doppel: give a scenario file (doppel validate city.yaml) or --config DIR --run NAME');
  if (options.run !== undefined) fail('doppel: --run needs --config DIR');
  return loadScenarioFile(file, loadOptions);
}

/**
 * Checks a scenario file (or `--config DIR --run NAME`) with the given packs and returns the line to print,
 * `OK <name> sha256=<hash>`. Problems are written to stderr and end the command with exit code 2.
 */
export function validateScenario(
  file: string | undefined,
  options: ValidateOptions,
  packs: readonly AnyPack[],
): string {
  try {
    const scenario = load(file, options, packs);
    return `OK ${scenario.name} sha256=${scenario.sha256}\n`;
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof TwinError) fail(error.message);
    throw error;
  }
}

/** Registers `doppel validate`. */
export function register(program: Command): void {
  program
    .command('validate')
    .description(
      'Check a scenario file or a run of a config directory: prints its hash, or every located problem (exit code 2)',
    )
    .argument('[file]', 'scenario file (YAML or JSON)')
    .option(
      '--config <dir>',
      'config directory (runs/, scenarios/, topologies/, equipment/, ... defaults.yaml, constants.yaml)',
    )
    .option('--run <name>', 'run of the config directory to check (runs/<name>.yaml)')
    .option('--seed <n>', 'seed to use (required when the scenario has none)', parseSeed)
    .action((file: string | undefined, options: ValidateOptions) => {
      process.stdout.write(validateScenario(file, options, builtinPacks));
    });
}
