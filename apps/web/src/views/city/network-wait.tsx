import { useMemo, type ReactNode } from 'react';
import type { SimSummary, TelemetryRow } from '../../api/types.js';
import { axisNumber, TimeChart, type ChartSeries } from '../../components/chart.js';
import { clockLabel } from '../../lib/clock-time.js';
import { formatKpi } from '../../lib/format.js';

/** The highest recent-window wait p95 of the network so far, and when it was. */
export function peakWait(rows: readonly TelemetryRow[]): { value: number; t: number } | null {
  let best: { value: number; t: number } | null = null;
  for (const r of rows) {
    const v = r.values.wait_p95_recent_s;
    if (typeof v === 'number' && (best === null || v > best.value)) best = { value: v, t: r.simTime };
  }
  return best;
}

/**
 * The network's wait over the day from the telemetry rows: the p95 wait of the recent window (what colours the
 * stations) and the riders queued, with the slider's instant marked and the day's peak named.
 */
export function NetworkWaitChart({
  sim,
  rows,
  markerTime,
}: {
  sim: SimSummary;
  rows: readonly TelemetryRow[];
  markerTime: number | null;
}): ReactNode {
  const times = useMemo(() => rows.map((r) => r.simTime), [rows]);
  const series = useMemo<ChartSeries[]>(
    () => [
      {
        label: 'wait p95 (recent)',
        color: '#3358d4',
        values: rows.map((r) =>
          typeof r.values.wait_p95_recent_s === 'number' ? r.values.wait_p95_recent_s / 60 : null,
        ),
        fill: true,
      },
    ],
    [rows],
  );
  const peak = peakWait(rows);
  return (
    <section className="panel network-wait" aria-label="Network wait over the day">
      <TimeChart
        title="Network wait p95 (recent)"
        unit="min"
        times={times}
        series={series}
        markerTime={markerTime ?? sim.simTime}
        startIso={sim.startIso}
        timeZone={sim.timeZone}
        xMax={sim.durationS}
        height={120}
        formatValue={axisNumber}
      />
      <p className="peak" data-testid="wait-peak">
        {peak === null || peak.value === 0
          ? 'No waiting so far today.'
          : `Peak so far: ${formatKpi(peak.value, 's')} at ${clockLabel(sim, peak.t)}`}
      </p>
    </section>
  );
}
