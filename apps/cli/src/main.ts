import { CommanderError } from 'commander';
import { buildProgram } from './program.js';

/** Runs the CLI and returns the process exit code; user errors never print a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
}
