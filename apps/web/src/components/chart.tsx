import { useEffect, useRef, type ReactNode } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { displayClock } from '../lib/clock-time.js';

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
  readonly dash?: readonly number[];
  /** Step lines for piecewise-constant state (queue, power); smooth for sampled KPIs. */
  readonly stepped?: boolean;
  readonly fill?: boolean;
  /** Individual observations (waits of single swaps): dots, no line. */
  readonly pointsOnly?: boolean;
}

interface Props {
  readonly title: string;
  readonly unit: string;
  readonly times: readonly number[];
  readonly series: readonly ChartSeries[];
  readonly markerTime?: number | null;
  readonly startIso: string;
  readonly timeZone: string;
  readonly height?: number;
  readonly xMax?: number;
  readonly formatValue?: (v: number) => string;
}

/** Axis labels with as many decimals as the tick spacing needs (0.05 min must not read 0.1). */
export function axisNumber(v: number): string {
  const a = Math.abs(v);
  if (a === 0 || a >= 100) return String(Math.round(v));
  if (a >= 10) return v.toFixed(0);
  if (a >= 1) return v.toFixed(1);
  return v.toPrecision(2).replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * A uPlot time series over sim seconds, labelled in the scenario's local time, with the slider's instant drawn as
 * a vertical line. The plot is created once per series layout and fed new data in place.
 */
export function TimeChart(props: Props): ReactNode {
  const { title, unit, times, series, markerTime, startIso, timeZone, height = 150, xMax, formatValue } = props;
  const wrapRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const markerRef = useRef<number | null | undefined>(markerTime);
  markerRef.current = markerTime;
  const layoutKey =
    series.map((s) => `${s.label}|${s.color}|${s.stepped === true}|${s.pointsOnly === true}`).join(';') +
    `|${unit}|${xMax ?? ''}`;

  useEffect(() => {
    const el = wrapRef.current;
    if (el === null) return;
    const fmtX = (t: number): string =>
      displayClock({ startIso, timeZone, durationS: xMax ?? Infinity }, t).time.slice(0, 5);
    const opts: Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false, ...(xMax !== undefined ? { range: (_u, min) => [Math.min(min, 0), xMax] } : {}) } },
      axes: [
        {
          values: (_u, splits) => splits.map(fmtX),
          stroke: '#5d6670',
          grid: { stroke: '#eef0f3' },
          size: 28,
          // Ticks on whole quarter-hours and hours of sim time (clock hours when the scenario starts on one).
          incrs: [60, 300, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400],
          space: 48,
        },
        {
          stroke: '#5d6670',
          grid: { stroke: '#eef0f3' },
          size: 46,
          values: (_u, splits) => splits.map((v) => (formatValue !== undefined ? formatValue(v) : axisNumber(v))),
        },
      ],
      series: [
        { label: 'Time', value: (_u, v) => (v === null ? '—' : fmtX(v)) },
        ...series.map((s) => ({
          label: `${s.label}`,
          stroke: s.color,
          width: 1.5,
          dash: s.dash === undefined ? undefined : [...s.dash],
          fill: s.fill === true ? `${s.color}22` : undefined,
          paths:
            s.pointsOnly === true ? () => null : s.stepped === true ? uPlot.paths.stepped?.({ align: 1 }) : undefined,
          points: s.pointsOnly === true ? { show: true, size: 3, fill: s.color } : { show: false },
          value: (_u: uPlot, v: number | null) =>
            v === null ? '—' : `${formatValue !== undefined ? formatValue(v) : v}${unit === '' ? '' : ` ${unit}`}`,
          spanGaps: true,
        })),
      ],
      hooks: {
        draw: [
          (u) => {
            const t = markerRef.current;
            if (t === null || t === undefined) return;
            const x = u.valToPos(t, 'x', true);
            if (!Number.isFinite(x)) return;
            const ctx = u.ctx;
            ctx.save();
            ctx.strokeStyle = '#3358d4';
            ctx.lineWidth = 1.5 * uPlot.pxRatio;
            ctx.setLineDash([4 * uPlot.pxRatio, 3 * uPlot.pxRatio]);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.restore();
          },
        ],
      },
    };
    const data: AlignedData = [[...times], ...series.map((s) => [...s.values])] as AlignedData;
    const plot = new uPlot(opts, data, el);
    plotRef.current = plot;
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
    // Data updates go through setData below; the plot is rebuilt only when its layout changes.
  }, [layoutKey, height, startIso, timeZone]);

  useEffect(() => {
    const plot = plotRef.current;
    if (plot === null) return;
    plot.setData([[...times], ...series.map((s) => [...s.values])] as AlignedData, true);
  }, [times, series]);

  useEffect(() => {
    plotRef.current?.redraw(false, false);
  }, [markerTime]);

  return (
    <figure className="chart" aria-label={unit === '' ? title : `${title} (${unit})`}>
      <figcaption>
        {title}
        {unit !== '' && <span className="faint"> ({unit})</span>}
      </figcaption>
      {times.length === 0 ? <div className="chart-empty">No data yet</div> : null}
      <div ref={wrapRef} className="chart-plot" style={{ display: times.length === 0 ? 'none' : undefined }} />
    </figure>
  );
}
