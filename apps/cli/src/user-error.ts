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

/** Causes of a failed write the user can act on, by the codes node:fs and SQLite report them with. */
const STORAGE_CAUSES: readonly (readonly [RegExp, string])[] = [
  [/^(ENOSPC|EDQUOT|SQLITE_FULL)$/, 'the disk is full'],
  [/^EFBIG$/, 'a file would exceed the size this process may write'],
  [/^(EROFS|SQLITE_READONLY.*)$/, 'the file system is read-only'],
  [/^(EIO|SQLITE_IOERR.*)$/, 'the disk reported an input/output error'],
];

/** "the disk is full (ENOSPC)" for an error of the disk; null for any other error. */
export function storageFailureMessage(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  const cause = STORAGE_CAUSES.find(([pattern]) => pattern.test(code));
  return cause === undefined ? null : `${cause[1]} (${code})`;
}

/** Maps an error to what the user sees and the exit code: typed Doppel errors are user errors, anything else a bug. */
/** Codes of a run failed in the user's own code (an Enactor or a driving-policy module): exit 1, by its own code. */
const MODULE_FAILED: ReadonlySet<string> = new Set([
  'DOPPEL_ERR_ENACTOR_MODULE_FAILED',
  'DOPPEL_ERR_POLICY_MODULE_FAILED',
]);

export function describeError(error: unknown): { message: string; exitCode: number } {
  if (error instanceof UserError) return { message: error.message, exitCode: error.exitCode };
  const storage = storageFailureMessage(error);
  if (storage !== null) {
    const path = (error as { path?: unknown }).path;
    return { message: `cannot write ${typeof path === 'string' ? path : 'to the disk'}: ${storage}`, exitCode: 1 };
  }
  // A failed simulation keeps what failed it as `details.cause`.
  const cause = (error as { details?: { cause?: unknown } } | null)?.details?.cause;
  if (isCoded(cause) && MODULE_FAILED.has(cause.code)) {
    // The run failed in the user's Enactor code: say so by its own code, not the generic simulation failure.
    return { message: `${(error as Error).message} [${cause.code}]`, exitCode: 1 };
  }
  if (isCoded(error)) {
    // A disk that failed, or a user's Enactor module that threw mid-run, is no mistake of the command line: exit 1.
    const exitCode = error.code.startsWith('DOPPEL_ERR_STORAGE_') || MODULE_FAILED.has(error.code) ? 1 : 2;
    return { message: `${error.message} [${error.code}]`, exitCode };
  }
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
