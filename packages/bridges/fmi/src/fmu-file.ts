import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFmu, unpackFmu, type FmuArchive, type UnpackedFmu } from './archive.js';
import type { ModelDescription } from './model-description.js';

/** An FMU read, validated and unpacked into a private temporary folder; `dispose()` removes the folder. */
export interface LoadedFmu {
  readonly file: string;
  readonly modelDescription: ModelDescription;
  readonly unpacked: UnpackedFmu;
  dispose(): void;
}

function unpackToTemp(archive: FmuArchive): LoadedFmu {
  const dir = mkdtempSync(join(tmpdir(), 'doppel-fmu-'));
  try {
    const unpacked = unpackFmu(archive, dir);
    return {
      file: archive.file,
      modelDescription: archive.modelDescription,
      unpacked,
      dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Reads an FMU file (or bytes received under `file`), validates it and unpacks it for running. */
export function loadFmu(source: string | { readonly bytes: Uint8Array; readonly file: string }): LoadedFmu {
  const archive =
    typeof source === 'string' ? readFmu(readFileSync(source), source) : readFmu(source.bytes, source.file);
  return unpackToTemp(archive);
}
