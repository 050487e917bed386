import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentResult } from './run-experiment.js';

export const RESULT_FILES = {
  results: 'results.csv',
  replications: 'replications.csv',
  deltas: 'deltas.csv',
  divergences: 'divergences.csv',
} as const;

/**
 * Writes results.csv (one row per point and output), replications.csv and, with several points, deltas.csv and
 * (scenario bases) divergences.csv: per pair, the first ledger event where the point's run parts from the baseline's.
 */
export function writeResultFiles(outDir: string, result: ExperimentResult): void {
  mkdirSync(outDir, { recursive: true });
  const factors = result.factorPaths;
  const results = [
    ['point', 'label', ...factors, 'output', 'mean', 'ci_low', 'ci_high', 'half_width', 'std_dev', 'n', 'confidence'],
    ...result.estimates.map((row) => [
      row.point.index,
      row.label,
      ...factors.map((path) => row.point.settings[path]),
      row.output,
      row.mean,
      row.ciLow,
      row.ciHigh,
      row.halfWidth,
      row.stdDev,
      row.n,
      result.confidence,
    ]),
  ];
  const replications = [
    ['point', 'label', ...factors, 'replication', 'seed', ...result.outputs],
    ...result.replications.map((row) => [
      row.point.index,
      row.label,
      ...factors.map((path) => row.point.settings[path]),
      row.replication,
      row.seed,
      ...row.values,
    ]),
  ];
  writeCsv(join(outDir, RESULT_FILES.results), results);
  writeCsv(join(outDir, RESULT_FILES.replications), replications);
  if (result.deltas.length > 0) {
    const deltas = [
      ['point', 'label', 'baseline', 'output', 'delta_mean', 'ci_low', 'ci_high', 'n', 'variance_reduction'],
      ...result.deltas.map((row) => [
        row.point.index,
        row.label,
        0,
        row.output,
        row.mean,
        row.ciLow,
        row.ciHigh,
        row.n,
        row.varianceReduction,
      ]),
    ];
    writeCsv(join(outDir, RESULT_FILES.deltas), deltas);
  }
  if (result.divergences.length > 0) {
    const divergences = [
      ['point', 'label', 'replication', 'seq', 'sim_time_s', 'baseline_event', 'point_event'],
      ...result.divergences.map((row) => [
        row.point.index,
        row.label,
        row.replication,
        row.seq,
        row.simTime,
        row.baselineEvent,
        row.pointEvent,
      ]),
    ];
    writeCsv(join(outDir, RESULT_FILES.divergences), divergences);
  }
}

function writeCsv(path: string, rows: readonly (readonly unknown[])[]): void {
  const text = rows.map((row) => row.map(cell).join(',')).join('\n') + '\n';
  writeFileSync(`${path}.partial`, text);
  renameSync(`${path}.partial`, path);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? String(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
