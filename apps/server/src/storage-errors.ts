import { ServerError, ServerErrorCode } from './errors.js';

/** The causes of a storage failure a user can act on, by the codes node:fs and SQLite report them with. */
const FULL = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM', 'SQLITE_READONLY', 'SQLITE_READONLY_DIRECTORY']);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for an error of the disk (full, read-only, failing), as opposed to a bug. */
export function isStorageFailure(error: unknown): boolean {
  if (error instanceof ServerError) return storageCodes.has(error.code);
  const code = codeOf(error);
  if (code === undefined) return false;
  return (
    FULL.has(code) ||
    READ_ONLY.has(code) ||
    code === 'EIO' ||
    code.startsWith('SQLITE_IOERR') ||
    code.startsWith('SQLITE_READONLY') ||
    code === 'SQLITE_CANTOPEN'
  );
}

const storageCodes: ReadonlySet<string> = new Set([
  ServerErrorCode.StorageFull,
  ServerErrorCode.StorageReadOnly,
  ServerErrorCode.StorageFailed,
]);

/**
 * A typed error naming the path, what was being done and the cause: "Cannot write the intervention journal
 * /data/sims/x.sqlite.interventions.jsonl: the disk is full (ENOSPC)". Already typed errors pass through.
 */
export function storageError(error: unknown, path: string, action: string): ServerError {
  if (error instanceof ServerError && storageCodes.has(error.code)) return error;
  const code = codeOf(error) ?? 'unknown';
  const message = error instanceof Error ? error.message : String(error);
  if (FULL.has(code)) {
    return new ServerError(ServerErrorCode.StorageFull, `Cannot ${action} ${path}: the disk is full (${code})`);
  }
  if (READ_ONLY.has(code) || code.startsWith('SQLITE_READONLY')) {
    return new ServerError(
      ServerErrorCode.StorageReadOnly,
      `Cannot ${action} ${path}: the data directory is read-only or not writable (${code})`,
    );
  }
  return new ServerError(ServerErrorCode.StorageFailed, `Cannot ${action} ${path}: ${message} (${code})`);
}
