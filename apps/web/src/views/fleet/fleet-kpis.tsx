import type { ReactNode } from 'react';
import type { AssetView } from '../../api/types.js';
import { formatKpi } from '../../lib/format.js';

const STRIP: readonly [string, string, string][] = [
  ['cases_passed', 'Passed', 'cases'],
  ['cases_failed', 'Failed', 'cases'],
  ['collisions', 'Collisions', 'vehicles'],
  ['distance_km', 'Distance', 'km'],
  ['energy_kwh', 'Energy', 'kWh'],
];

/** Scores that compare a case with its analytic reference (1 = exact), e.g. `braking_accuracy`. */
const ACCURACY_SUFFIX = '_accuracy';

/** The mean accuracy against each analytic reference over the judged cases, e.g. braking 99.8 %. */
export function accuracies(cases: readonly AssetView[]): { reference: string; accuracy: number; cases: number }[] {
  const sums = new Map<string, { total: number; n: number }>();
  for (const c of cases) {
    const scores = c.state.scores;
    if (scores === null || typeof scores !== 'object' || Array.isArray(scores)) continue;
    for (const [name, value] of Object.entries(scores)) {
      if (!name.endsWith(ACCURACY_SUFFIX) || typeof value !== 'number' || !Number.isFinite(value)) continue;
      const ref = name.slice(0, -ACCURACY_SUFFIX.length);
      const s = sums.get(ref) ?? { total: 0, n: 0 };
      s.total += value;
      s.n++;
      sums.set(ref, s);
    }
  }
  return [...sums].map(([reference, s]) => ({ reference, accuracy: s.total / s.n, cases: s.n }));
}

/** The run's KPIs (cases passed and failed, collisions, distance, energy) and its accuracy against the references. */
export function FleetKpis({
  values,
  cases,
}: {
  values: Readonly<Record<string, number>> | undefined;
  cases: readonly AssetView[];
}): ReactNode {
  return (
    <div className="kpi-strip" role="group" aria-label="Run KPIs">
      {STRIP.map(([name, label, unit]) => (
        <div key={name} className="kpi mini" data-kpi={name}>
          <div className="label">{label}</div>
          <div className="value">{formatKpi(values?.[name], unit)}</div>
        </div>
      ))}
      {accuracies(cases).map((a) => (
        <div
          key={a.reference}
          className="kpi mini"
          data-kpi={`${a.reference}_accuracy`}
          title={`Mean over ${a.cases} case(s) of the result against the analytic ${a.reference} reference`}
        >
          <div className="label">{a.reference} accuracy</div>
          <div className="value">{formatKpi(a.accuracy, 'fraction')}</div>
        </div>
      ))}
    </div>
  );
}
