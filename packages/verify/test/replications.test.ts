import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VerifyErrorCode, replicationSeed, runTest } from '@doppel/verify';
import { load, packs, run } from './helpers.js';

/** city-10 for 6 hours: small enough for many replications in a unit test. */
const small = (extra: string, replications = 5): string => `
scenario:
  file: swap/city-10.yaml
  seed: 11
  duration: 12h
  replications: ${replications}
${extra}`;

describe('replications', () => {
  it('derive independent, reproducible seeds from the test seed (one replication runs the seed itself)', () => {
    const seeds = Array.from({ length: 50 }, (_, index) => replicationSeed(11, index, 50));
    expect(new Set(seeds).size).toBe(50);
    expect(seeds.every((seed) => Number.isSafeInteger(seed) && seed >= 0)).toBe(true);
    expect(replicationSeed(11, 3, 50)).toBe(seeds[3]);
    expect(replicationSeed(11, 0, 1)).toBe(11);
  });

  it('run each replication with its seed and evaluate statistics over them', async () => {
    const result = await run(
      small(`
statistics:
  - { name: swaps, value: kpi.swaps, measure: mean, above: 10, below: 100000 }
  - { name: median swaps, value: kpi.swaps, measure: quantile, q: 0.5, above: 1, confidence: 0.9 }
  - { name: quiet mornings, value: 'kpi.wait_max_s < 100000.0', measure: proportion, above: 0.3 }
  - { name: impossible, value: kpi.swaps, measure: mean, below: 1 }
`),
    );
    expect(result.replications.map((replication) => replication.seed)).toEqual(
      Array.from({ length: 5 }, (_, index) => replicationSeed(11, index, 5)),
    );
    expect(new Set(result.replications.map((replication) => replication.ledgerSha256)).size).toBe(5);
    const [mean, median, share, impossible] = result.statistics;
    const swaps = result.replications.map((replication) => replication.values.swaps);
    expect(mean.value).toBeCloseTo(swaps.reduce((a, b) => a + b, 0) / 5, 9);
    expect(mean).toMatchObject({ status: 'passed', n: 5 });
    expect(mean.lower!).toBeLessThan(mean.value);
    expect(median.status).toBe('passed');
    expect(share).toMatchObject({ value: 1, status: 'passed' });
    expect(impossible.status).toBe('failed');
    expect(result.status).toBe('failed');
    expect(result.failures).toEqual([expect.objectContaining({ kind: 'statistic', ref: 'impossible' })]);
  });

  it('compare A/B on common random numbers: an unchanged variant differs by exactly zero', async () => {
    const result = await run(
      small(
        `
variants:
  - name: same
  - name: slower-service
    steps:
      - set: { asset: station_01, field: service_speed, value: 0.5 }
statistics:
  - { name: same, value: kpi.swaps, measure: difference, variant: same, above: -0.5, below: 0.5 }
  - { name: slower, value: kpi.wait_mean_s, measure: difference, variant: slower-service, above: -1000 }
`,
        4,
      ),
    );
    const base = result.replications.filter((replication) => replication.variant === null);
    const same = result.replications.filter((replication) => replication.variant === 'same');
    expect(same.map((replication) => replication.seed)).toEqual(base.map((replication) => replication.seed));
    expect(same.map((replication) => replication.ledgerSha256)).toEqual(
      base.map((replication) => replication.ledgerSha256),
    );
    expect(result.statistics[0]).toMatchObject({ value: 0, lower: 0, upper: 0, status: 'passed' });
    expect(result.statistics[1].n).toBe(4);
  });
});

describe('baselines', () => {
  it('write a baseline, pass against it, and fail when a KPI got worse than the tolerance', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doppel-baseline-'));
    const file = join(dir, 'city.json');
    const yaml = small(
      `
baseline:
  file: ${file}
  tolerance: 0.05
  values:
    energy: { value: kpi.energy_kwh, better: lower }
    swaps: { value: kpi.swaps, better: higher }
`,
      1,
    );
    const test = await load(yaml);
    await expect(runTest(test, { packs })).rejects.toMatchObject({ code: VerifyErrorCode.BaselineMissing });
    const written = await runTest(test, { packs, updateBaselines: true });
    expect(written.status).toBe('passed');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { values: Record<string, number> };
    expect(stored.values.swaps).toBeGreaterThan(0);

    const same = await runTest(test, { packs });
    expect(same.baseline.map((entry) => [entry.name, entry.worseBy, entry.status])).toEqual([
      ['energy', 0, 'passed'],
      ['swaps', 0, 'passed'],
    ]);

    // A baseline 10% better than this run: the run is now worse by more than 5%.
    writeFileSync(
      file,
      JSON.stringify({
        doppel: 1,
        test: 'x',
        values: { energy: stored.values.energy * 0.9, swaps: stored.values.swaps * 1.1 },
      }),
    );
    const worse = await runTest(test, { packs });
    expect(worse.status).toBe('failed');
    expect(worse.baseline.map((entry) => entry.status)).toEqual(['failed', 'failed']);
    expect(worse.baseline[1].worseBy).toBeCloseTo(0.1 / 1.1, 6);
    expect(worse.failures.map((failure) => failure.kind)).toEqual(['baseline', 'baseline']);
  });
});
