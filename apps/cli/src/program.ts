import { Command } from 'commander';

export { VERSION } from './version.js';
import { VERSION } from './version.js';

interface CommandModule {
  register(program: Command): void;
}

/**
 * Each top-level command and the module that registers it, in the order `doppel --help` lists them. Modules load on
 * demand because between them they pull in every stack Doppel speaks (the server, OPC UA, DuckDB, Redis, PostgreSQL):
 * `doppel validate` should not pay for all of them before it reads its first byte.
 */
const COMMANDS: Readonly<Record<string, () => Promise<CommandModule>>> = {
  run: () => import('./commands/run.js'),
  configure: () => import('./commands/configure.js'),
  simulate: () => import('./commands/simulate.js'),
  replay: () => import('./commands/replay.js'),
  validate: () => import('./commands/validate.js'),
  test: () => import('./commands/test.js'),
  schema: () => import('./commands/schema.js'),
  serve: () => import('./commands/serve.js'),
  accounts: () => import('./commands/accounts.js'),
  bench: () => import('./commands/bench.js'),
  fmu: () => import('./commands/fmu.js'),
  io: () => import('./commands/io.js'),
  experiment: () => import('./commands/experiment.js'),
  worker: () => import('./commands/experiment.js'),
  dataset: () => import('./commands/dataset.js'),
  capture: () => import('./commands/capture.js'),
};

/**
 * Builds the `doppel` command tree for these arguments: only the named command's module when the first argument names
 * one, none for a version query, every module otherwise (help, an unknown command that wants a suggestion).
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('doppel')
    .description('Doppel: a digital twin sandbox. Run, poke, rewind and branch virtual copies of your system.')
    .version(VERSION)
    .showHelpAfterError()
    // Usage errors come back as CommanderError (also from subcommands) so main() owns the exit code.
    .exitOverride();
  const first = argv[2];
  const only = Object.entries(COMMANDS).find(([name]) => name === first);
  const loaders =
    first === '--version' || first === '-V' ? [] : only === undefined ? Object.values(COMMANDS) : [only[1]];
  // Several names may share a module (experiment and worker): each registers once.
  const modules = new Set(await Promise.all(loaders.map((load) => load())));
  for (const module of modules) module.register(program);
  return program;
}
