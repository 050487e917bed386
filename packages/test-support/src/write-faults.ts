import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = join(dirname(fileURLToPath(import.meta.url)), '..', 'native', 'write-faults.c');

/** Where the Nth write or sync on a data directory fails, and how. */
export interface WriteFault {
  /** Calls on files under this directory are counted; others pass untouched. */
  readonly dir: string;
  /** The 1-based call that fails; 0 counts without failing. */
  readonly at: number;
  /** ENOSPC: the disk is full. EIO: the device failed. Syncs always fail with EIO. */
  readonly errno: 'ENOSPC' | 'EIO';
  /** Every later call fails too (a disk that stays full), rather than that one call (a transient error). */
  readonly sticky: boolean;
  /** A failing write first writes half its bytes, as a torn write does. */
  readonly tear?: boolean;
  /** A file that receives the running count of calls. */
  readonly countFile?: string;
}

/**
 * The write-fault library (native/write-faults.c), built with the machine's C compiler once per source version and
 * cached in the temp folder, so the test files that use it share one build.
 */
export function writeFaultLibrary(): string {
  const text = readFileSync(source);
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const library = join(tmpdir(), 'doppel-write-faults', `${digest}.so`);
  if (existsSync(library)) return library;
  mkdirSync(dirname(library), { recursive: true });
  const building = `${library}.${process.pid}.tmp`;
  execFileSync('cc', ['-shared', '-fPIC', '-O1', '-Wall', '-o', building, source, '-ldl'], { stdio: 'pipe' });
  // Concurrent builders race only to an identical file: the rename is atomic.
  renameSync(building, library);
  return library;
}

/** The environment that makes a child process fail as `fault` says. */
export function writeFaultEnv(fault: WriteFault): Record<string, string> {
  return {
    LD_PRELOAD: writeFaultLibrary(),
    DOPPEL_FAULT_DIR: fault.dir,
    DOPPEL_FAULT_AT: String(fault.at),
    DOPPEL_FAULT_ERRNO: fault.errno,
    DOPPEL_FAULT_STICKY: fault.sticky ? '1' : '0',
    DOPPEL_FAULT_TEAR: fault.tear === true ? '1' : '0',
    ...(fault.countFile === undefined ? {} : { DOPPEL_FAULT_COUNT_FILE: fault.countFile }),
    // libuv may hand file writes to io_uring, past libc: keep them on the calls the library stands in front of.
    UV_USE_IO_URING: '0',
  };
}

/** The count a `countFile` holds, 0 before the first call. */
export function writeFaultCount(countFile: string): number {
  if (!existsSync(countFile)) return 0;
  return Number(readFileSync(countFile, 'utf8').trim() || '0');
}
