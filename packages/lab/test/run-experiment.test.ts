import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  baseIdentity,
  loadExperimentText,
  ResultCache,
  runExperiment,
  writeParquetFiles,
  writeResultFiles,
} from '../src/index.js';

const packsModule = new URL('../../../apps/server/src/packs.ts', import.meta.url).href;
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'doppel-lab-'));
  dirs.push(dir);
  return dir;
}

const small = loadExperimentText(
  [
    'seed: 11',
    'base: { model: mmc, params: { lam: 2.4, mu: 1, until: 1500, warmup: 100 } }',
    'factors: { params.c: [3, 4] }',
    'replications: 6',
    'outputs: [mean_wait, p95_wait, customers]',
  ].join('\n'),
  'small.yaml',
);

describe('runExperiment', () => {
  test('results are identical on one thread and on two worker threads', async () => {
    const one = await runExperiment(small, { workers: 1, packsModule, cache: null });
    const two = await runExperiment(small, { workers: 2, packsModule, cache: null });
    expect(two).toEqual(one);
    expect(one.estimates).toHaveLength(6);
    expect(one.replicationsPerPoint).toBe(6);
  });

  test('common random numbers: replication i of every point runs on the same seed, and pairing pays', async () => {
    const result = await runExperiment(small, { workers: 1, packsModule, cache: null });
    const seeds = (point: number): number[] =>
      result.replications.filter((row) => row.point.index === point).map((row) => row.seed);
    expect(seeds(1)).toEqual(seeds(0));
    expect(new Set(seeds(0)).size).toBe(6);
    // Same arrivals at both points: the customers served differ only by those still queued at the end.
    const customers = result.deltas.find((row) => row.output === 'customers');
    expect(Math.abs(customers?.mean ?? Infinity)).toBeLessThan(5);
    expect(customers?.varianceReduction).toBeGreaterThan(100);
    const wait = result.deltas.find((row) => row.output === 'mean_wait');
    expect(wait?.mean).toBeLessThan(0);
    expect(wait?.varianceReduction).toBeGreaterThan(1);
  });

  test('the stopping rule adds rounds until the half-width target is met, and stops at max', async () => {
    const rule = (target: number): string =>
      [
        'seed: 3',
        'base: { model: mmc, params: { lam: 2.4, mu: 1, c: 3, until: 1000, warmup: 100 } }',
        `replications: { min: 4, max: 40, half_width: { output: mean_wait, target: ${target} } }`,
        'outputs: [mean_wait]',
      ].join('\n');
    const loose = await runExperiment(loadExperimentText(rule(100), 'r.yaml'), {
      workers: 1,
      packsModule,
      cache: null,
    });
    expect(loose.replicationsPerPoint).toBe(4);
    const tight = await runExperiment(loadExperimentText(rule(0.12), 'r.yaml'), {
      workers: 1,
      packsModule,
      cache: null,
    });
    expect(tight.replicationsPerPoint).toBeGreaterThan(4);
    expect(tight.replicationsPerPoint % 4).toBe(0);
    const halfWidth = tight.estimates[0].halfWidth as number;
    expect(halfWidth <= 0.12 || tight.replicationsPerPoint === 40).toBe(true);
    const never = await runExperiment(loadExperimentText(rule(1e-9), 'r.yaml'), {
      workers: 1,
      packsModule,
      cache: null,
    });
    expect(never.replicationsPerPoint).toBe(40);
  });

  test('a second run takes every replication from the cache and gives the same results', async () => {
    const dir = tempDir();
    const cache = (): ResultCache => new ResultCache(join(dir, 'cache'), 'test-version', baseIdentity(small));
    const first = await runExperiment(small, { workers: 1, packsModule, cache: cache() });
    const second = await runExperiment(small, { workers: 1, packsModule, cache: cache() });
    expect(first.cacheHits).toBe(0);
    expect(second.cacheHits).toBe(12);
    expect({ ...second, cacheHits: 0 }).toEqual(first);
    const otherVersion = new ResultCache(join(dir, 'cache'), 'next-version', baseIdentity(small));
    expect((await runExperiment(small, { workers: 1, packsModule, cache: otherVersion })).cacheHits).toBe(0);
  });

  test('results.csv has one row per point and output; replications.csv one per replication', async () => {
    const dir = tempDir();
    writeResultFiles(dir, await runExperiment(small, { workers: 1, packsModule, cache: null }));
    const results = readFileSync(join(dir, 'results.csv'), 'utf8').trim().split('\n');
    expect(results[0]).toBe('point,label,params.c,output,mean,ci_low,ci_high,half_width,std_dev,n,confidence');
    expect(results).toHaveLength(1 + 2 * 3);
    expect(results[1]).toMatch(/^0,params\.c=3,3,mean_wait,[\d.]+,[\d.]+,[\d.]+,[\d.]+,[\d.]+,6,0\.95$/);
    expect(readFileSync(join(dir, 'replications.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 12);
    expect(readFileSync(join(dir, 'deltas.csv'), 'utf8')).toMatch(/^point,label,baseline,output,delta_mean/);
  });

  test('results.parquet, written through DuckDB, reads back with an independent Parquet reader', async () => {
    const dir = tempDir();
    const result = await runExperiment(small, { workers: 1, packsModule, cache: null });
    writeResultFiles(dir, result);
    await writeParquetFiles(dir);
    const read = async (name: string): Promise<Record<string, unknown>[]> =>
      parquetReadObjects({ file: await asyncBufferFromFile(join(dir, name)) });
    const rows = await read('results.parquet');
    expect(rows).toHaveLength(result.estimates.length);
    result.estimates.forEach((estimate, i) => {
      expect(rows[i]).toMatchObject({ label: estimate.label, output: estimate.output, confidence: 0.95 });
      expect(Number(rows[i].point)).toBe(estimate.point.index);
      expect(Number(rows[i].n)).toBe(estimate.n);
      expect(rows[i].mean).toBe(estimate.mean);
      expect(rows[i].ci_low).toBe(estimate.ciLow);
      expect(rows[i].ci_high).toBe(estimate.ciHigh);
      expect(Number(rows[i]['params.c'])).toBe(estimate.point.settings['params.c']);
    });
    expect(await read('replications.parquet')).toHaveLength(12);
    expect(await read('deltas.parquet')).toHaveLength(3);
    expect(existsSync(join(dir, 'results.parquet.partial'))).toBe(false);
  });

  test('a scenario base: a field set by path at each point, outputs read from the run summary', async () => {
    const scenario = resolve(import.meta.dirname, '../../../examples/swap/evening-peak.yaml');
    const experiment = loadExperimentText(
      [
        'seed: 5',
        `base: { scenario: ${JSON.stringify(scenario)} }`,
        'factors: { duration: [1h, 2h] }',
        'replications: 2',
        'outputs: [sim_time_s, events]',
      ].join('\n'),
      'swap.yaml',
    );
    const result = await runExperiment(experiment, { workers: 2, packsModule, cache: null });
    const simTime = result.estimates.filter((row) => row.output === 'sim_time_s').map((row) => row.mean);
    expect(simTime).toEqual([3600, 7200]);
    const events = result.estimates.filter((row) => row.output === 'events');
    expect(events[1].mean).toBeGreaterThan(events[0].mean);
  });

  test('paired scenario runs: the first ledger event where each point parts from the baseline, cached', async () => {
    const scenario = resolve(import.meta.dirname, '../../../examples/swap/evening-peak.yaml');
    const experiment = loadExperimentText(
      [
        'seed: 5',
        `base: { scenario: ${JSON.stringify(scenario)} }`,
        'factors: { duration: [2h], swap.station_defaults.chargers: [4, 1] }',
        'replications: 2',
        'outputs: [ledger_events]',
      ].join('\n'),
      'ab.yaml',
    );
    const dir = tempDir();
    const cache = (): ResultCache => new ResultCache(join(dir, 'cache'), 'v', baseIdentity(experiment));
    const first = await runExperiment(experiment, { workers: 2, packsModule, cache: cache() });
    expect(first.divergences.map((row) => [row.point.index, row.replication])).toEqual([
      [1, 0],
      [1, 1],
    ]);
    for (const row of first.divergences) {
      expect(row.seq).toBeGreaterThanOrEqual(1);
      expect(row.simTime).toBeGreaterThanOrEqual(0);
      expect(row.baselineEvent ?? row.pointEvent).toMatch(/^[A-Z_]+ \S+$/);
    }
    writeResultFiles(dir, first);
    expect(readFileSync(join(dir, 'divergences.csv'), 'utf8')).toMatch(
      /^point,label,replication,seq,sim_time_s,baseline_event,point_event\n1,/,
    );
    // From the cache: the same pairs, without traces to compare again.
    const second = await runExperiment(experiment, { workers: 1, packsModule, cache: cache() });
    expect(second.cacheHits).toBe(4);
    expect(second.divergences).toEqual(first.divergences);
    // Only the point's results cached: its pair is found again by re-running for the trace.
    const fresh = await runExperiment(experiment, { workers: 1, packsModule, cache: null });
    expect(fresh.divergences).toEqual(first.divergences);
  }, 120_000);

  test('a Latin hypercube over a model: the same points and results on one thread or two', async () => {
    const experiment = loadExperimentText(
      [
        'seed: 9',
        'base: { model: mmc, params: { mu: 1, c: 4, until: 600, warmup: 50 } }',
        'design: { type: latin_hypercube, points: 4 }',
        'factors: { params.lam: { min: 2, max: 3 } }',
        'replications: 3',
        'outputs: [mean_wait]',
      ].join('\n'),
      'lhs.yaml',
    );
    const one = await runExperiment(experiment, { workers: 1, packsModule, cache: null });
    const two = await runExperiment(experiment, { workers: 2, packsModule, cache: null });
    expect(two).toEqual(one);
    expect(one.estimates).toHaveLength(4);
    expect(one.divergences).toEqual([]);
    const lams = one.estimates.map((row) => row.point.settings['params.lam'] as number).sort();
    lams.forEach((lam, stratum) => expect(Math.floor((lam - 2) * 4)).toBe(stratum));
  });

  test('an output the run does not have is named with the fields it does have', async () => {
    const experiment = loadExperimentText(
      'seed: 1\nbase: { model: mmc, params: { until: 200 } }\nreplications: 2\noutputs: [mean_wiat]\n',
      'typo.yaml',
    );
    await expect(runExperiment(experiment, { workers: 1, packsModule, cache: null })).rejects.toThrow(
      /typo\.yaml: outputs: "mean_wiat" is not a finite number.*mean_wait/,
    );
  });
});
