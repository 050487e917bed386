import { RemoteError, ServerError, storageErrorCode, type ServerErrorCode } from './errors.js';
import { errorCodeOf, storageCauseOf, storageCauseText } from './storage-causes.js';

const storageCodes: ReadonlySet<string> = new Set([
  storageErrorCode.full,
  storageErrorCode['read-only'],
  storageErrorCode.failed,
]);

/** True for an error of the disk (full, read-only, failing), as opposed to a bug. */
export function isStorageFailure(error: unknown): boolean {
  if (error instanceof ServerError) return storageCodes.has(error.code);
  return storageCauseOf(error) !== null;
}

/**
 * A typed error naming the path, what was being done and the cause: "Cannot write the intervention journal
 * /data/sims/x.sqlite.interventions.jsonl: the disk is full (ENOSPC)". Already typed errors pass through.
 */
export function storageError(error: unknown, path: string, action: string): ServerError {
  if (error instanceof ServerError && storageCodes.has(error.code)) return error;
  const code = errorCodeOf(error) ?? 'unknown';
  const cause = storageCauseOf(error);
  if (cause === null) {
    const message = error instanceof Error ? error.message : String(error);
    return new ServerError(storageErrorCode.failed, `Cannot ${action} ${path}: ${message} (${code})`);
  }
  return new ServerError(storageErrorCode[cause], `Cannot ${action} ${path}: ${storageCauseText[cause]} (${code})`);
}

/**
 * A storage failure a simulation's worker reported (its ledger or journal), named with the file when the worker
 * did not name it; any other error as it is.
 */
export function locatedStorageFailure(error: unknown, ledgerPath: string): unknown {
  if (!(error instanceof RemoteError) || !storageCodes.has(error.code) || error.message.includes(ledgerPath)) {
    return error;
  }
  return new ServerError(error.code as ServerErrorCode, `Cannot write the ledger ${ledgerPath}: ${error.message}`);
}
