import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

function doppel(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['apps/cli/bin/doppel.js', ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function csv(path: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const names = header.split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((value, index) => [names[index], value])));
}

describe('doppel experiment run', () => {
  let dir: string;
  beforeAll(() => {
    execFileSync('npx', ['tsc', '-b', 'apps/cli'], { stdio: 'pipe' });
    dir = mkdtempSync(join(tmpdir(), 'doppel-experiment-'));
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('M/M/c replications: Erlang C’s mean wait lies inside every point’s 95% interval; a rerun hits the cache', () => {
    const out = join(dir, 'mmc');
    const first = doppel(
      'experiment',
      'run',
      'examples/experiments/mmc-replications.yaml',
      '--workers',
      '2',
      '--out',
      out,
    );
    expect(first.stderr).toMatch(/^mmc-replications: \d+\/40 replications \(0 cached\)$/m);
    expect(first.status).toBe(0);
    const rows = csv(join(out, 'results.csv'));
    expect(rows).toHaveLength(2 * 3);
    for (const c of ['3', '4']) {
      const wait = rows.find((row) => row['params.c'] === c && row.output === 'mean_wait');
      const erlang = rows.find((row) => row['params.c'] === c && row.output === 'erlang_c_wait');
      expect(wait?.n).toBe('20');
      expect(Number(erlang?.mean)).toBeGreaterThan(Number(wait?.ci_low));
      expect(Number(erlang?.mean)).toBeLessThan(Number(wait?.ci_high));
    }
    expect(csv(join(out, 'replications.csv'))).toHaveLength(40);
    const delta = csv(join(out, 'deltas.csv')).find((row) => row.output === 'mean_wait');
    expect(Number(delta?.ci_high)).toBeLessThan(0);

    const again = doppel(
      'experiment',
      'run',
      'examples/experiments/mmc-replications.yaml',
      '--workers',
      '1',
      '--out',
      out,
    );
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/20 replications per point, 40 cached/);
    expect(csv(join(out, 'results.csv'))).toEqual(rows);
  }, 240_000);

  test('the evening-peak A/B: reserve chargers cut the mean wait, and common random numbers reduce its variance', () => {
    const out = join(dir, 'ab');
    const result = doppel(
      'experiment',
      'run',
      'examples/experiments/evening-peak-ab.yaml',
      '--workers',
      '2',
      '--out',
      out,
    );
    expect(result.status).toBe(0);
    const wait = csv(join(out, 'deltas.csv')).find((row) => row.output === 'kpis.wait_mean_s');
    expect(wait?.n).toBe('8');
    expect(Number(wait?.ci_high)).toBeLessThan(0);
    // Paired on the same demand, the difference is more precise than two independent samples would give.
    expect(Number(wait?.variance_reduction)).toBeGreaterThan(1.5);
    // Each pair parts at a ledger event: the reserve chargers opening at 17:55 at the latest.
    const divergences = csv(join(out, 'divergences.csv'));
    expect(divergences).toHaveLength(8);
    for (const row of divergences) expect(Number(row.sim_time_s)).toBeLessThanOrEqual(64_500);
    expect(result.stdout).toMatch(/parts from the baseline in replication 0: seq \d+/);
  }, 240_000);

  test('an invalid experiment exits 2 with its located problems and no stack trace', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'seed: 1\nbase: { model: mmc }\nreplications: -3\noutputs: [mean_wait]\n');
    const result = doppel('experiment', 'run', file, '--out', join(dir, 'bad'));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${file}:3:`);
    expect(result.stderr).toMatch(/replications/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(doppel('experiment', 'run', file, '--workers', 'many', '--out', dir).stderr).toMatch(/--workers: expected/);
  });
});
