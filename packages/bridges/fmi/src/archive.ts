import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { unzipSync, type Unzipped } from 'fflate';
import { FmiError, FmiErrorCode } from './errors.js';
import { parseModelDescription, type ModelDescription } from './model-description.js';

/** Bounds on what an archive may unpack to, so a hostile zip cannot fill the disk or the heap. */
const MAX_ENTRIES = 10_000;
const MAX_UNPACKED_BYTES = 1024 * 1024 * 1024;

/** The folder under binaries/ that holds this platform's shared library, per FMI version. */
export const PLATFORM_FOLDER = { '2.0': 'linux64', '3.0': 'x86_64-linux' } as const;

export interface FmuArchive {
  /** The name the archive was given (a path or an upload's file name), used in every message. */
  readonly file: string;
  readonly modelDescription: ModelDescription;
  /** Entry path (forward slashes) → bytes. */
  readonly entries: Unzipped;
  /** Entry path of this platform's binary. */
  readonly binaryEntry: string;
}

function archiveError(file: string, message: string, details: Record<string, unknown> = {}): FmiError {
  return new FmiError(FmiErrorCode.ArchiveInvalid, `${file}: ${message}`, { file, ...details });
}

function safeEntryName(name: string): boolean {
  if (name.startsWith('/') || name.includes('\\') || name.includes('\0')) return false;
  return !name.split('/').some((part) => part === '..');
}

/** Bounds of one read; a server keeps them below the defaults for what strangers upload. */
export interface ArchiveLimits {
  /** Default 1 GiB. */
  readonly maxUnpackedBytes?: number;
}

/**
 * Reads and validates an FMU (zip) from memory: the archive, modelDescription.xml and the presence of a binary for
 * this platform (linux64 for FMI 2.0, x86_64-linux for 3.0). Every error names the file and what is wrong.
 */
export function readFmu(bytes: Uint8Array, file: string, limits: ArchiveLimits = {}): FmuArchive {
  const maxUnpacked = limits.maxUnpackedBytes ?? MAX_UNPACKED_BYTES;
  let count = 0;
  let unpacked = 0;
  let entries: Unzipped;
  try {
    entries = unzipSync(bytes, {
      filter: (entry) => {
        count += 1;
        unpacked += entry.originalSize;
        if (count > MAX_ENTRIES) throw archiveError(file, `has more than ${MAX_ENTRIES} entries`);
        if (unpacked > maxUnpacked) throw archiveError(file, `unpacks to more than ${maxUnpacked} bytes`);
        if (!safeEntryName(entry.name)) throw archiveError(file, `entry "${entry.name}" points outside the archive`);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof FmiError) throw error;
    throw archiveError(file, `is not a readable zip archive (${(error as Error).message})`);
  }
  const descriptionBytes = entries['modelDescription.xml'];
  if (descriptionBytes === undefined) throw archiveError(file, 'has no modelDescription.xml at its root');
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(descriptionBytes);
  } catch {
    throw new FmiError(FmiErrorCode.ModelDescriptionInvalid, `${file}/modelDescription.xml: is not UTF-8 text`, {
      file,
    });
  }
  const modelDescription = parseModelDescription(xml.replace(/^\uFEFF/, ''), `${file}/modelDescription.xml`);
  const folder = PLATFORM_FOLDER[modelDescription.fmiVersion];
  const binaryEntry = `binaries/${folder}/${modelDescription.coSimulation.modelIdentifier}.so`;
  if (entries[binaryEntry] === undefined) {
    const present = Object.keys(entries)
      .filter((name) => name.startsWith('binaries/') && !name.endsWith('/'))
      .map((name) => name.slice('binaries/'.length));
    throw new FmiError(
      FmiErrorCode.NoBinaryForPlatform,
      `${file}: has no binary for this platform: expected ${binaryEntry}; binaries present: ${present.join(', ') || '(none)'}`,
      { file, element: binaryEntry, present },
    );
  }
  return { file, modelDescription, entries, binaryEntry };
}

/** Where an unpacked FMU lives on disk. */
export interface UnpackedFmu {
  readonly root: string;
  /** Absolute path of the resources folder (created empty when the archive has none: the standard's URI must exist). */
  readonly resourcesDir: string;
  readonly binaryPath: string;
}

/** Writes the archive's entries under `dir` (which should be new and private to this FMU). */
export function unpackFmu(archive: FmuArchive, dir: string): UnpackedFmu {
  const root = resolve(dir);
  for (const [name, data] of Object.entries(archive.entries)) {
    const target = resolve(root, name);
    if (target !== root && !target.startsWith(root + sep)) throw archiveError(archive.file, `entry "${name}" escapes`);
    if (name.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data, { mode: name === archive.binaryEntry ? 0o755 : 0o644 });
  }
  const resourcesDir = join(root, 'resources');
  mkdirSync(resourcesDir, { recursive: true });
  return { root, resourcesDir, binaryPath: join(root, archive.binaryEntry) };
}
