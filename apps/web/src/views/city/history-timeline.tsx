import { useMemo, type ReactNode } from 'react';
import type { LedgerEvent, SimSummary } from '../../api/types.js';
import { simClock } from '../../lib/format.js';
import { describeEvent } from '../../lib/station-series.js';

const NOTABLE = /^(OUTAGE_|MAINTENANCE_|FAULT_|BAY_|SERVICE_SPEED|GRID_LIMIT|RESERVE_|BATTERIES_RESTOCKED)/;
const STATUS_FILL: Record<string, string> = { open: '#dfe9e2', outage: '#8c929c', maintenance: '#b9bec6' };

/**
 * The asset history (seed 000 §7 "Asset History visual timeline"): the station's open/outage/maintenance periods as
 * a strip over the day, its notable events (faults, interventions) as ticks, and the list; a click seeks the slider.
 */
export function HistoryTimeline({
  sim,
  events,
  markerTime,
  onSeek,
}: {
  sim: SimSummary;
  events: readonly LedgerEvent[];
  markerTime: number | null;
  onSeek: (t: number) => void;
}): ReactNode {
  const { periods, notable } = useMemo(() => {
    const periods: { from: number; to: number; status: string }[] = [];
    let status = 'open';
    let from = 0;
    const notable: LedgerEvent[] = [];
    for (const e of events) {
      const s = e.newValue?.status;
      if (typeof s === 'string' && s !== status) {
        periods.push({ from, to: e.simTime, status });
        status = s;
        from = e.simTime;
      }
      if (NOTABLE.test(e.eventType) || (e.origin === 'intervention' && e.eventType !== 'ASSET_CREATED'))
        notable.push(e);
    }
    periods.push({ from, to: sim.simTime, status });
    return { periods, notable };
  }, [events, sim.simTime]);
  const span = Math.max(1, sim.durationS);
  const pct = (t: number): string => `${(t / span) * 100}%`;
  return (
    <section className="history" aria-label="Asset history">
      <div className="history-strip" aria-hidden="true">
        {periods.map((p, i) => (
          <div
            key={i}
            className="hs-period"
            title={p.status}
            style={{ left: pct(p.from), width: pct(p.to - p.from), background: STATUS_FILL[p.status] ?? '#eee' }}
          />
        ))}
        {notable.map((e) => (
          <div key={e.seq} className="hs-tick" style={{ left: pct(e.simTime) }} title={e.eventType} />
        ))}
        {markerTime !== null && <div className="hs-marker" style={{ left: pct(markerTime) }} />}
      </div>
      <div className="row faint legend-inline">
        <span>
          <span style={{ color: STATUS_FILL.open }} aria-hidden="true">
            ▮
          </span>{' '}
          open
        </span>{' '}
        <span>
          <span style={{ color: STATUS_FILL.outage }} aria-hidden="true">
            ▮
          </span>{' '}
          outage
        </span>{' '}
        <span>
          <span style={{ color: STATUS_FILL.maintenance }} aria-hidden="true">
            ▮
          </span>{' '}
          maintenance
        </span>{' '}
        <span>| event</span>
      </div>
      {notable.length === 0 ? (
        <p className="faint">Nothing notable yet: no faults, outages or interventions.</p>
      ) : (
        <ol className="history-list">
          {notable.map((e) => (
            <li key={e.seq}>
              <button
                type="button"
                className="ghost"
                onClick={() => onSeek(e.simTime)}
                aria-label={`Show the city at ${simClock(sim.startIso, e.simTime, sim.timeZone).time}`}
              >
                <span className="num">{simClock(sim.startIso, e.simTime, sim.timeZone).time}</span>
              </button>
              <span>{describeEvent(e.eventType, e.meta)}</span>
              {e.origin === 'intervention' && <span className="tag">intervention</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
