import * as nodeFs from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import type { InterventionLogEntry } from '@doppel/twin';
import { storageError } from '../storage-errors.js';

/** The file operations a journal uses: node:fs by default, a fault-injecting wrapper in tests. */
export type JournalFs = Pick<
  typeof nodeFs,
  | 'openSync'
  | 'writeSync'
  | 'fdatasyncSync'
  | 'fsyncSync'
  | 'closeSync'
  | 'ftruncateSync'
  | 'fstatSync'
  | 'readFileSync'
  | 'renameSync'
  | 'existsSync'
  | 'rmSync'
>;

export interface JournalContents {
  readonly entries: InterventionLogEntry[];
  /** Length of the intact prefix; anything after it is a torn or corrupt tail. */
  readonly validBytes: number;
  readonly tornBytes: number;
}

/** One entry as it is stored: `<crc32 of the JSON, 8 hex digits> <JSON>\n`. */
export function frame(entry: InterventionLogEntry): string {
  const json = JSON.stringify(entry);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

/**
 * Reads the intact entries of a journal: framed lines whose checksum matches, up to the first that does not (a
 * write cut short by a crash or a full disk). Unframed JSON lines (journals written before framing) are read as
 * they are. Entries come back in log order (stable by submission event count, as the simulation keeps its log).
 */
export function parseJournal(text: string): JournalContents {
  const entries: InterventionLogEntry[] = [];
  let offset = 0;
  const bytes = Buffer.byteLength(text);
  let validBytes = 0;
  while (offset < text.length) {
    const end = text.indexOf('\n', offset);
    if (end < 0) break;
    const line = text.slice(offset, end);
    const entry = parseLine(line);
    if (entry === undefined) break;
    if (entry !== null) entries.push(entry);
    offset = end + 1;
    validBytes += Buffer.byteLength(line) + 1;
  }
  entries.sort((a, b) => a.submittedAtEvent - b.submittedAtEvent);
  return { entries, validBytes, tornBytes: bytes - validBytes };
}

/** An entry, null for a blank line, undefined for a damaged one. */
function parseLine(line: string): InterventionLogEntry | null | undefined {
  if (line.trim().length === 0) return null;
  let json = line;
  if (!line.startsWith('{')) {
    const space = line.indexOf(' ');
    if (space !== 8) return undefined;
    json = line.slice(9);
    if (crc32(json).toString(16).padStart(8, '0') !== line.slice(0, 8)) return undefined;
  }
  try {
    const value = JSON.parse(json) as InterventionLogEntry;
    return typeof value === 'object' && value !== null && typeof value.id === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The append-only journal of a simulation's intervention log, next to its ledger file: the input that re-creates
 * the run. Entries are written and synced before they take effect: `append` returns once they are durable, and
 * when it fails they are cut off again, so a refused intervention leaves no trace. A torn tail left by a crash is
 * cut off on open. A rewind shortens the log: the journal is then replaced whole.
 */
export class InterventionJournal {
  /** Bytes of durable whole entries in the file; null until the file was opened or written by this journal. */
  private size: number | null = null;

  constructor(
    readonly path: string,
    private readonly fs: JournalFs = nodeFs,
  ) {}

  /** The intact entries, or undefined without a journal; a torn tail is truncated away. */
  open(): InterventionLogEntry[] | undefined {
    if (!this.fs.existsSync(this.path)) {
      this.size = 0;
      return undefined;
    }
    const text = this.fs.readFileSync(this.path, 'utf8') as string;
    const contents = parseJournal(text);
    if (contents.tornBytes > 0) this.cut(contents.validBytes);
    this.size = contents.validBytes;
    return contents.entries;
  }

  /**
   * Appends entries made together and makes them durable (one write and one fdatasync for a burst of them). If
   * either fails, whatever part of them reached the file is cut off again: the journal never holds a refused entry.
   */
  append(entries: readonly InterventionLogEntry[]): void {
    if (entries.length === 0) return;
    const bytes = Buffer.from(entries.map(frame).join(''), 'utf8');
    let fd: number;
    try {
      fd = this.fs.openSync(this.path, 'a');
    } catch (error) {
      throw storageError(error, this.path, 'write the intervention journal');
    }
    let action = 'write the intervention journal';
    try {
      // A failed write whose tail could not be cut off then (the disk was full) is cut off now: an entry is never
      // appended after torn bytes, where it would be unreadable.
      const length = this.fs.fstatSync(fd).size;
      this.size ??= length;
      if (length !== this.size) this.fs.ftruncateSync(fd, this.size);
      let written = 0;
      while (written < bytes.length) written += this.fs.writeSync(fd, bytes, written, bytes.length - written);
      action = 'sync the intervention journal';
      this.fs.fdatasyncSync(fd);
      this.size += bytes.length;
    } catch (error) {
      try {
        if (this.size !== null) this.fs.ftruncateSync(fd, this.size);
      } catch {
        // The torn tail is cut off by the next append, or when the journal is next opened.
      }
      throw storageError(error, this.path, action);
    } finally {
      this.fs.closeSync(fd);
    }
  }

  /** Replaces the journal with `entries`: a temporary file, synced, renamed over the old one. */
  rewrite(entries: readonly InterventionLogEntry[]): void {
    const temporary = `${this.path}.tmp`;
    const bytes = Buffer.from(entries.map(frame).join(''), 'utf8');
    try {
      const fd = this.fs.openSync(temporary, 'w');
      try {
        let written = 0;
        while (written < bytes.length) written += this.fs.writeSync(fd, bytes, written, bytes.length - written);
        this.fs.fsyncSync(fd);
      } finally {
        this.fs.closeSync(fd);
      }
      this.fs.renameSync(temporary, this.path);
      syncDirectory(this.fs, dirname(this.path));
    } catch (error) {
      this.fs.rmSync(temporary, { force: true });
      throw storageError(error, this.path, 'write the intervention journal');
    }
    this.size = bytes.length;
  }

  private cut(length: number): void {
    try {
      const fd = this.fs.openSync(this.path, 'r+');
      try {
        this.fs.ftruncateSync(fd, length);
        this.fs.fsyncSync(fd);
      } finally {
        this.fs.closeSync(fd);
      }
    } catch (error) {
      throw storageError(error, this.path, 'repair the intervention journal');
    }
  }
}

/** A rename is durable once its directory is synced (where the platform allows opening a directory). */
function syncDirectory(fs: JournalFs, dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself has happened.
  } finally {
    fs.closeSync(fd);
  }
}
