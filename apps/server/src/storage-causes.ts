/** Why a write to the data directory failed, as far as a user can act on it. */
export type StorageCause = 'full' | 'read-only' | 'failed';

/** By the codes node:fs and SQLite report them with; EFBIG is a file over the size this process may write. */
const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'SQLITE_FULL']);
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM']);

export const storageCauseText: Readonly<Record<StorageCause, string>> = {
  full: 'the disk is full',
  'read-only': 'the data directory is read-only or not writable',
  failed: 'the disk reported an input/output error',
};

export function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The cause of an error of the disk (full, read-only, failing); null for any other error (a bug, bad input). */
export function storageCauseOf(error: unknown): StorageCause | null {
  const code = errorCodeOf(error);
  if (code === undefined) return null;
  if (FULL.has(code)) return 'full';
  if (READ_ONLY.has(code) || code.startsWith('SQLITE_READONLY')) return 'read-only';
  if (code === 'EIO' || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN') return 'failed';
  return null;
}
