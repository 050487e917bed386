import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the archive of an uploaded FMU is, in a folder of uploaded FMUs. */
export function fmuPath(dir: string, id: string): string {
  return join(dir, `${id}.fmu`);
}

/**
 * Uploaded FMU archives, one file per FMU in `<dataDir>/fmus/<id>.fmu`, exactly as uploaded (the catalog holds what
 * they describe). A file appears whole or not at all: it is written beside its final name and renamed.
 */
export class FmuFiles {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'fmus');
  }

  pathOf(id: string): string {
    return fmuPath(this.dir, id);
  }

  write(id: string, bytes: Uint8Array): void {
    mkdirSync(this.dir, { recursive: true });
    const partial = `${this.pathOf(id)}.partial`;
    try {
      writeFileSync(partial, bytes, { flush: true });
      renameSync(partial, this.pathOf(id));
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
  }

  remove(id: string): void {
    rmSync(this.pathOf(id), { force: true });
  }
}
