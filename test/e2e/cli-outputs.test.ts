import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doppel, repoRoot, tempDir } from './cli-helpers.js';

const bin = join(repoRoot, 'apps/cli/bin/doppel.js');
const city10 = join(repoRoot, 'examples/swap/city-10.yaml');
const city100 = join(repoRoot, 'examples/swap/city-100.yaml');
const city1000 = join(repoRoot, 'examples/swap/city-1000.yaml');

/** A directory that looks complete has a summary; one that is not says so. */
function expectIncomplete(out: string): void {
  expect(existsSync(join(out, 'summary.json')), 'summary.json').toBe(false);
  expect(existsSync(join(out, 'INCOMPLETE')), 'INCOMPLETE').toBe(true);
  const replay = doppel(['replay', out, '--json']);
  expect(replay.status).toBe(2);
  expect(replay.stderr).toMatch(/did not finish \(INCOMPLETE\)/);
}

describe('doppel run --out: a directory with a summary.json is always complete', () => {
  it('a run that cannot write its outputs fails with exit 1, naming the cause, and leaves its directory INCOMPLETE', () => {
    const out = tempDir('full');
    expect(doppel(['run', city10, '--out', out, '--json']).status).toBe(0);
    expect(existsSync(join(out, 'INCOMPLETE'))).toBe(false);
    // The same directory again, by a process whose files may not grow past 1 MB (a real write failure, as a full
    // disk gives, for root too): the summary of the earlier run must not survive next to half-written files.
    const result = spawnSync(
      'sh',
      ['-c', `ulimit -f 2048; exec "${process.execPath}" "${bin}" "$@"`, 'sh', 'run', city100, '--out', out],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, DOPPEL_DEBUG: '' },
      },
    );
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toMatch(
      /Cannot write the run's outputs in .+: the disk reported an input\/output error|size/,
    );
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    expectIncomplete(out);
    expect(readFileSync(join(out, 'INCOMPLETE'), 'utf8')).toMatch(/failed/);
    expect(readdirSync(out).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('a run killed with SIGKILL leaves its directory INCOMPLETE, never a summary', async () => {
    const out = tempDir('killed');
    expect(doppel(['run', city10, '--out', out, '--json']).status).toBe(0);
    const child = spawn(process.execPath, [bin, 'run', city1000, '--out', out, '--no-progress'], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Killed in the middle of the run, once its ledger database is being written.
    const partial = join(out, '.ledger.sqlite.partial');
    while (!(existsSync(partial) && statSync(partial).size > 1_000_000)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    await exited;
    expectIncomplete(out);
    // The next run in the same directory completes it.
    expect(doppel(['run', city10, '--out', out, '--json']).status).toBe(0);
    expect(existsSync(join(out, 'INCOMPLETE'))).toBe(false);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    expect(readdirSync(out).filter((name) => name.includes('partial'))).toEqual([]);
  }, 120_000);
});
