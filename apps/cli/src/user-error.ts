/**
 * A problem with what the user asked for (a bad flag, a missing file, an invalid scenario): printed as a message,
 * never as a stack trace, and the command exits with code 2.
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

interface CodedError {
  code: string;
  message: string;
}

function isCoded(error: unknown): error is CodedError {
  if (!(error instanceof Error)) return false;
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('DOPPEL_ERR_');
}

/** Maps an error to what the user sees and the exit code: typed Doppel errors are user errors, anything else a bug. */
export function describeError(error: unknown): { message: string; exitCode: number } {
  if (error instanceof UserError) return { message: error.message, exitCode: error.exitCode };
  if (isCoded(error)) return { message: `${error.message} [${error.code}]`, exitCode: 2 };
  const nodeCode = (error as { code?: unknown } | null)?.code;
  if (nodeCode === 'ENOENT' || nodeCode === 'EACCES' || nodeCode === 'EISDIR' || nodeCode === 'ENOTDIR') {
    return { message: (error as Error).message, exitCode: 2 };
  }
  const detail =
    error instanceof Error
      ? process.env.DOPPEL_DEBUG
        ? (error.stack ?? error.message)
        : error.message
      : String(error);
  return {
    message: `internal error: ${detail}\n(set DOPPEL_DEBUG=1 for a stack trace; please report it with the command you ran)`,
    exitCode: 1,
  };
}
