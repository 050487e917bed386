import type { ReactNode } from 'react';
import type { ExperimentDelta, ExperimentEstimate } from '@doppel/client';

/** A number as the tables show it: four significant digits, a dash for none. */
export function number(v: number | null): string {
  return v === null ? '–' : Number(v.toPrecision(4)).toString();
}

/** An estimate or a paired difference: one table row per point and output. */
export type IntervalRow = ExperimentEstimate | ExperimentDelta;

/** The estimates and the paired differences: the same columns, the mean's heading and one extra column aside. */
export function IntervalTable({
  label,
  caption,
  meanLabel,
  rows,
  labelOf,
  extra = { title: 'n', cell: (row) => String(row.n) },
}: {
  label: string;
  caption?: string;
  meanLabel: string;
  rows: readonly IntervalRow[];
  labelOf: (pointIndex: number) => string;
  extra?: { readonly title: string; readonly cell: (row: IntervalRow) => string };
}): ReactNode {
  return (
    <table className="experiment-table" aria-label={label}>
      {caption !== undefined && <caption className="muted small">{caption}</caption>}
      <thead>
        <tr>
          <th scope="col">Point</th>
          <th scope="col">Output</th>
          <th scope="col">{meanLabel}</th>
          <th scope="col">CI low</th>
          <th scope="col">CI high</th>
          <th scope="col">{extra.title}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={`${row.pointIndex}-${row.output}`}>
            <td>{labelOf(row.pointIndex)}</td>
            <td>{row.output}</td>
            <td>{number(row.mean)}</td>
            <td>{number(row.ciLow)}</td>
            <td>{number(row.ciHigh)}</td>
            <td>{extra.cell(row)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
