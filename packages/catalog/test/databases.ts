import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { freshSchema, postgresAvailable, POSTGRES_URL } from '../src/testing.js';

/** A temporary directory, removed by `remove`. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'doppel-catalog-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
