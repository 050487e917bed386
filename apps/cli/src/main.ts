import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { describeError } from './user-error.js';

/** Runs the CLI and returns the process exit code; user errors never print a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 1 ? 2 : error.exitCode;
    const { message, exitCode } = describeError(error);
    process.stderr.write(`doppel: ${message}\n`);
    return exitCode;
  }
}
