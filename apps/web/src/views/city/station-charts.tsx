import { useMemo, type ReactNode } from 'react';
import type { LedgerEvent, SimSummary } from '../../api/types.js';
import { axisNumber, TimeChart, type ChartSeries } from '../../components/chart.js';
import { bandLabel, stationSeries } from '../../lib/station-series.js';

const BAND_COLORS = ['#1f6f43', '#3f9a63', '#7fb98d', '#c7a34a', '#c4674f'];

/** Wait, queue, inventory by SoC and power vs limit over the day, with the slider's instant marked. */
export function StationCharts({
  sim,
  events,
  markerTime,
}: {
  sim: SimSummary;
  events: readonly LedgerEvent[];
  markerTime: number | null;
}): ReactNode {
  const s = useMemo(() => stationSeries(events), [events]);
  const common = {
    startIso: sim.startIso,
    timeZone: sim.timeZone,
    markerTime: markerTime ?? sim.simTime,
    xMax: sim.durationS,
    height: 130,
  };
  const waitSeries = useMemo<ChartSeries[]>(
    () => [
      { label: 'wait per swap', color: '#8b939c', values: s.waits.map((w) => w / 60), pointsOnly: true },
      { label: 'p95 (30 min)', color: '#3358d4', values: s.waitP95.map((w) => w / 60) },
    ],
    [s],
  );
  const queueSeries = useMemo<ChartSeries[]>(
    () => [{ label: 'queue', color: '#3358d4', values: s.queue, stepped: true, fill: true }],
    [s],
  );
  const bandSeries = useMemo<ChartSeries[]>(
    () => [
      ...Object.entries(s.bands).map(([band, values], i) => ({
        label: bandLabel(band),
        color: BAND_COLORS[i % BAND_COLORS.length],
        values,
        stepped: true,
      })),
      { label: 'on charger', color: '#6b5bd2', values: s.charging, stepped: true, dash: [4, 3] },
    ],
    [s],
  );
  const powerSeries = useMemo<ChartSeries[]>(
    () => [
      { label: 'draw', color: '#3358d4', values: s.powerKw, stepped: true, fill: true },
      { label: 'limit', color: '#1c2128', values: s.limitKw, stepped: true, dash: [5, 4] },
    ],
    [s],
  );
  return (
    <div className="chart-grid">
      <TimeChart title="Wait" unit="min" times={s.waitTimes} series={waitSeries} formatValue={axisNumber} {...common} />
      <TimeChart title="Queue" unit="riders" times={s.times} series={queueSeries} {...common} />
      <TimeChart title="Inventory by SoC" unit="batteries" times={s.times} series={bandSeries} {...common} />
      <TimeChart
        title="Power vs limit"
        unit="kW"
        times={s.times}
        series={powerSeries}
        formatValue={axisNumber}
        {...common}
      />
    </div>
  );
}
