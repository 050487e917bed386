import * as nodeFs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InterventionLogEntry } from '@doppel/twin';
import { afterAll, describe, expect, it } from 'vitest';
import { InterventionJournal, parseJournal, type JournalFs } from '../src/sim/journal.js';

const dir = mkdtempSync(join(tmpdir(), 'doppel-journal-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function entry(n: number): InterventionLogEntry {
  return {
    id: `iv-${n}`,
    op: 'apply',
    assetId: `station_${n % 7}`,
    action: 'trigger_outage',
    args: { duration_seconds: 60 + n, note: 'x'.repeat(n % 50) },
    effectiveAt: n,
    submittedAtEvent: n,
    submittedAt: n,
    origin: 'api',
  };
}

function enospc(call: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOSPC: no space left on device, ${call}`), { code: 'ENOSPC', syscall: call });
}

/**
 * node:fs with the disk failing the way SQLite's own test harness makes it fail: every `writeEvery`-th write puts
 * half of its bytes on disk and then fails (a torn write), every `truncateEvery`-th truncation and every
 * `syncEvery`-th sync fail too. Zero turns a fault off.
 */
function failingFs(faults: { writeEvery: number; truncateEvery: number; syncEvery: number }): JournalFs {
  let writes = 0;
  let truncations = 0;
  let syncs = 0;
  const due = (count: number, every: number): boolean => every > 0 && count % every === 0;
  return {
    ...nodeFs,
    writeSync: ((fd: number, buffer: Buffer, offset: number, length: number) => {
      if (due(++writes, faults.writeEvery)) {
        nodeFs.writeSync(fd, buffer, offset, Math.floor(length / 2));
        throw enospc('write');
      }
      return nodeFs.writeSync(fd, buffer, offset, length);
    }) as JournalFs['writeSync'],
    ftruncateSync: ((fd: number, length?: number) => {
      if (due(++truncations, faults.truncateEvery)) throw enospc('ftruncate');
      nodeFs.ftruncateSync(fd, length);
    }) as JournalFs['ftruncateSync'],
    fdatasyncSync: ((fd: number) => {
      if (due(++syncs, faults.syncEvery)) throw enospc('fdatasync');
      nodeFs.fdatasyncSync(fd);
    }) as JournalFs['fdatasyncSync'],
  };
}

describe('intervention journal under injected I/O failures', () => {
  const cases = [
    { writeEvery: 2, truncateEvery: 0, syncEvery: 0 },
    { writeEvery: 3, truncateEvery: 2, syncEvery: 0 },
    { writeEvery: 5, truncateEvery: 1, syncEvery: 0 },
    { writeEvery: 7, truncateEvery: 3, syncEvery: 4 },
    { writeEvery: 0, truncateEvery: 0, syncEvery: 3 },
    { writeEvery: 4, truncateEvery: 2, syncEvery: 5 },
  ];
  it.each(cases)('loses nothing acknowledged and holds nothing refused or torn: %o', (faults) => {
    const path = join(dir, `journal-${faults.writeEvery}-${faults.truncateEvery}-${faults.syncEvery}.jsonl`);
    const journal = new InterventionJournal(path, failingFs(faults));
    expect(journal.open()).toBeUndefined();
    journal.rewrite([]);
    const acknowledged: string[] = [];
    let refused = 0;
    for (let n = 1; n <= 120; n++) {
      try {
        // As the simulation does: the entry is written and synced before it takes effect.
        journal.append([entry(n)]);
        acknowledged.push(`iv-${n}`);
        // After an acknowledged entry the file holds exactly what was acknowledged, with no torn tail.
        const contents = parseJournal(readFileSync(path, 'utf8'));
        expect(contents.tornBytes).toBe(0);
        expect(contents.entries.map((item) => item.id)).toEqual(acknowledged);
      } catch (error) {
        refused++;
        expect((error as { code?: string }).code).toBe('DOPPEL_ERR_STORAGE_FULL');
        expect((error as Error).message).toContain(path);
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(acknowledged.length).toBeGreaterThan(0);
    // A restart reads every acknowledged entry, in order, and none of the refused ones.
    const reopened = new InterventionJournal(path).open();
    expect(reopened?.map((item) => item.id)).toEqual(acknowledged);
    expect(parseJournal(readFileSync(path, 'utf8')).tornBytes).toBe(0);
  });
});
