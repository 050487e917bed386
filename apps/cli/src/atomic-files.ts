import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';

/**
 * The marker of an output directory whose run has not finished writing (it is running, failed or was killed). It
 * is written before anything else and removed only after summary.json is in place.
 */
export const INCOMPLETE_MARKER = 'INCOMPLETE';

/** Where a file is written before it is renamed into place: hidden, and recognisably unfinished. */
export function partialPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.partial`);
}

/** A rename is durable once its directory is synced (where the platform allows opening a directory). */
export function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself has happened.
  } finally {
    closeSync(fd);
  }
}

/** Writes `path` whole or not at all: a temporary name next to it, fsync, rename. */
export function writeFileAtomic(path: string, text: string): void {
  const temporary = partialPath(path);
  try {
    const fd = openSync(temporary, 'w');
    try {
      const bytes = Buffer.from(text, 'utf8');
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Streams `path` whole or not at all: `fill` writes into a temporary file, which is then synced and renamed. */
export async function streamFileAtomic<T>(path: string, fill: (stream: WriteStream) => Promise<T>): Promise<T> {
  const temporary = partialPath(path);
  const fd = openSync(temporary, 'w');
  const stream = createWriteStream('', { fd, autoClose: false });
  let failure: unknown = null;
  stream.on('error', (error) => (failure ??= error));
  try {
    const result = await fill(stream);
    stream.end();
    await once(stream, 'finish');
    if (failure !== null) throw failure;
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, path);
    return result;
  } catch (error) {
    stream.destroy();
    try {
      closeSync(fd);
    } catch {
      // Already closed.
    }
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Removes temporary files a failed or killed run left in `dir`. */
export function removePartials(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') && name.endsWith('.partial')) rmSync(join(dir, name), { force: true });
  }
}
