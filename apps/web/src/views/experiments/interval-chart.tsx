import type { ReactNode } from 'react';
import { axisNumber } from '../../components/chart.js';

export interface IntervalPoint {
  readonly label: string;
  readonly mean: number;
  /** The interval's ends; null below two replications (the mean alone is drawn). */
  readonly low: number | null;
  readonly high: number | null;
}

const WIDTH = 420;
const HEIGHT = 180;
const PAD = { left: 48, right: 12, top: 24, bottom: 28 };

/** One output across the design points: each mean as a dot, its confidence interval as a whisker. */
export function IntervalChart({ title, points }: { title: string; points: readonly IntervalPoint[] }): ReactNode {
  const values = points.flatMap((p) => [p.mean, p.low ?? p.mean, p.high ?? p.mean]);
  let lo = Math.min(...values, 0);
  let hi = Math.max(...values);
  if (!(hi > lo)) hi = lo + 1;
  const span = hi - lo;
  lo -= span * 0.05;
  hi += span * 0.05;
  const y = (v: number): number => PAD.top + ((hi - v) / (hi - lo)) * (HEIGHT - PAD.top - PAD.bottom);
  const step = (WIDTH - PAD.left - PAD.right) / Math.max(points.length, 1);
  const x = (i: number): number => PAD.left + step * (i + 0.5);
  const ticks = [lo, (lo + hi) / 2, hi];
  const description = points
    .map(
      (p) =>
        `${p.label}: ${axisNumber(p.mean)}${p.low === null ? '' : ` (${axisNumber(p.low)} to ${axisNumber(p.high ?? p.mean)})`}`,
    )
    .join('; ');
  return (
    <figure className="interval-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${title} by point: ${description}`}>
        <text x={PAD.left} y={14} className="chart-title">
          {title}
        </text>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(t)} y2={y(t)} className="grid" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="tick">
              {axisNumber(t)}
            </text>
          </g>
        ))}
        {points.map((p, i) => (
          <g key={p.label} className="interval">
            {p.low !== null && p.high !== null && (
              <>
                <line x1={x(i)} x2={x(i)} y1={y(p.low)} y2={y(p.high)} />
                <line x1={x(i) - 8} x2={x(i) + 8} y1={y(p.low)} y2={y(p.low)} />
                <line x1={x(i) - 8} x2={x(i) + 8} y1={y(p.high)} y2={y(p.high)} />
              </>
            )}
            <circle cx={x(i)} cy={y(p.mean)} r={4} />
            <text x={x(i)} y={HEIGHT - 8} textAnchor="middle" className="tick">
              {p.label}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
