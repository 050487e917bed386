import { Command } from 'commander';

export const VERSION = '0.1.0';

/** Builds the `doppel` command tree. Subcommands register themselves here. */
export function buildProgram(): Command {
  const program = new Command('doppel')
    .description('Doppel: a digital twin sandbox. Run, poke, rewind and branch virtual copies of your system.')
    .version(VERSION)
    .showHelpAfterError();
  return program;
}
