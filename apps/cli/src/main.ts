import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { describeError } from './user-error.js';

/** Runs the CLI and returns the process exit code; user errors never print a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  const args = withLegacyRunForm(argv);
  try {
    const program = await buildProgram(args);
    await program.parseAsync(args);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 1 ? 2 : error.exitCode;
    const { message, exitCode } = describeError(error);
    process.stderr.write(`doppel: ${message}\n`);
    return exitCode;
  }
}

/** Seed 002's direct form `doppel --run NAME --export` means `doppel run --run NAME --export`. */
function withLegacyRunForm(argv: readonly string[]): string[] {
  const args = [...argv];
  const first = args[2];
  if (first !== undefined && (first === '--run' || first.startsWith('--run=') || first === '--config'))
    args.splice(2, 0, 'run');
  return args;
}
