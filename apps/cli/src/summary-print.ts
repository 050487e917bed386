import type { RunSummary } from '@doppel/twin';
import { formatDuration } from '@doppel/twin';

function formatNumber(value: number): string {
  // -0 (a vehicle's energy with nothing drawn yet) reads "0".
  if (value === 0) return '0';
  if (Number.isInteger(value)) return value.toLocaleString('en');
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(4);
}

/** The human view of a run's summary (the JSON view is summary.json itself). */
export function formatSummary(summary: RunSummary, outDir: string | null): string {
  const lines = [
    `${summary.scenario} (${summary.pack}) seed ${summary.seed}: ${summary.status}`,
    `  simulated     ${formatDuration(summary.sim_time_s)} in ${summary.wall_s ?? '?'} s wall`,
    `  events        ${formatNumber(summary.events)} engine, ${formatNumber(summary.ledger_events)} ledger`,
    `  ledger        sha256 ${summary.ledger_sha256}`,
    `  scenario      sha256 ${summary.scenario_sha256}`,
  ];
  const kpis = Object.entries(summary.kpis);
  if (kpis.length > 0) {
    lines.push('  kpis');
    const width = Math.max(...kpis.map(([name]) => name.length));
    for (const [name, value] of kpis) lines.push(`    ${name.padEnd(width)}  ${formatNumber(value)}`);
  }
  if (outDir !== null) lines.push(`  outputs       ${outDir}/`);
  return lines.join('\n') + '\n';
}
