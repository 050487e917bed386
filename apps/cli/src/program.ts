import { Command } from 'commander';
import * as accounts from './commands/accounts.js';
import * as bench from './commands/bench.js';
import * as capture from './commands/capture.js';
import * as configure from './commands/configure.js';
import * as dataset from './commands/dataset.js';
import * as experiment from './commands/experiment.js';
import * as fmu from './commands/fmu.js';
import * as io from './commands/io.js';
import * as replay from './commands/replay.js';
import * as run from './commands/run.js';
import * as schema from './commands/schema.js';
import * as serve from './commands/serve.js';
import * as simulate from './commands/simulate.js';
import * as test from './commands/test.js';
import * as validate from './commands/validate.js';

export { VERSION } from './version.js';
import { VERSION } from './version.js';

/** Builds the `doppel` command tree; each subcommand lives in its own module under commands/. */
export function buildProgram(): Command {
  const program = new Command('doppel')
    .description('Doppel: a digital twin sandbox. Run, poke, rewind and branch virtual copies of your system.')
    .version(VERSION)
    .showHelpAfterError()
    // Usage errors come back as CommanderError (also from subcommands) so main() owns the exit code.
    .exitOverride();
  for (const command of [
    run,
    configure,
    simulate,
    replay,
    validate,
    test,
    schema,
    serve,
    accounts,
    bench,
    fmu,
    io,
    experiment,
    dataset,
  ]) {
    command.register(program);
  }
  capture.register(program);
  return program;
}
