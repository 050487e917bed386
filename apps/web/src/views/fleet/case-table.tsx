import type { ReactNode } from 'react';
import type { AssetView } from '../../api/types.js';

/** The scores a test report leads with, in this order when a case has them, with their column headings. */
const LEADING_SCORES: readonly (readonly [string, string])[] = [
  ['collision', 'Collision'],
  ['impact_speed_kmh', 'Impact km/h'],
  ['min_ttc_s', 'Min TTC s'],
  ['min_gap_m', 'Min gap m'],
  ['stopping_distance_m', 'Stop dist. m'],
  ['peak_decel_mps2', 'Peak decel. m/s²'],
  ['lane_departures', 'Lane dep.'],
  ['energy_kwh_per_km', 'kWh/km'],
  ['travel_time_s', 'Travel s'],
];
const MAX_SCORE_COLUMNS = 6;

export type Verdict = 'pass' | 'fail' | 'pending';

export function verdictOf(c: AssetView): Verdict {
  return c.state.verdict === 'pass' || c.state.verdict === 'fail' ? c.state.verdict : 'pending';
}

export function VerdictBadge({ verdict }: { verdict: Verdict }): ReactNode {
  const glyph = verdict === 'pass' ? '✔' : verdict === 'fail' ? '✕' : '…';
  return (
    <span className={`verdict ${verdict}`} data-verdict={verdict}>
      <span aria-hidden="true">{glyph} </span>
      {verdict}
    </span>
  );
}

function scoreText(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return Number.isFinite(v) ? String(Math.round(v * 100) / 100) : '—';
  if (typeof v === 'string') return v;
  return '—';
}

/** A sweep's varying parameters in one line ("initial_speed 40"), or the case's own parameters when it is alone. */
function paramsText(c: AssetView, varying: readonly string[]): string {
  const params = c.state.params !== null && typeof c.state.params === 'object' ? c.state.params : {};
  const keys = varying.length > 0 ? varying : Object.keys(params).slice(0, 3);
  // A list parameter (a fork's vehicles) reads as its length: "vehicles 3".
  const text = (v: unknown): string => (Array.isArray(v) ? String(v.length) : scoreText(v));
  return keys.map((k) => `${k} ${text((params as Record<string, unknown>)[k])}`).join(', ');
}

/** Score columns: the leading ones any case reports, then others, up to a handful. */
export function scoreColumns(cases: readonly AssetView[]): string[] {
  const seen = new Set<string>();
  for (const c of cases) {
    const scores = c.state.scores;
    if (scores !== null && typeof scores === 'object' && !Array.isArray(scores))
      for (const k of Object.keys(scores)) seen.add(k);
  }
  return LEADING_SCORES.filter(([k]) => seen.has(k))
    .map(([k]) => k)
    .slice(0, MAX_SCORE_COLUMNS);
}

/** Parameters that differ between the cases (the sweep's axes). */
function varyingParams(cases: readonly AssetView[]): string[] {
  if (cases.length < 2) return [];
  const keys = new Set<string>();
  for (const c of cases) for (const k of Object.keys(c.state.params ?? {})) keys.add(k);
  const get = (c: AssetView, k: string): string => JSON.stringify((c.state.params as Record<string, unknown>)[k]);
  return [...keys].filter((k) => cases.some((c) => get(c, k) !== get(cases[0]!, k)));
}

/**
 * The run's cases as a test report: parameters, verdict and the leading scores. A row opens its case in the scene
 * (a sweep runs one case per value side by side in time).
 */
export function CaseTable({
  cases,
  selectedId,
  onSelect,
}: {
  cases: readonly AssetView[];
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}): ReactNode {
  const columns = scoreColumns(cases);
  const varying = varyingParams(cases);
  return (
    <table className="data compact case-table" aria-label="Cases">
      <thead>
        <tr>
          <th>Case</th>
          <th>Parameters</th>
          <th>Verdict</th>
          {columns.map((k) => (
            <th key={k} className="num">
              {LEADING_SCORES.find(([name]) => name === k)?.[1] ?? k}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {cases.map((c) => {
          const scores = (c.state.scores ?? {}) as Record<string, unknown>;
          return (
            <tr key={c.id} aria-current={c.id === selectedId ? 'true' : undefined} data-case={c.id}>
              <td>
                <button type="button" className="link" onClick={() => onSelect(c.id)}>
                  {c.id}
                </button>
              </td>
              <td>{paramsText(c, varying)}</td>
              <td>
                <VerdictBadge verdict={verdictOf(c)} />
              </td>
              {columns.map((k) => (
                <td key={k} className="num">
                  {scoreText(scores[k])}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
