import { useMemo, useState, type ReactNode } from 'react';
import type { AssetKindInfo, AssetView, LedgerEvent, SimSummary } from '../../api/types.js';
import { ErrorView, Loading } from '../../components/states.js';
import { VirtualList } from '../../components/virtual-list.js';
import { clockLabel } from '../../lib/clock-time.js';
import { formatKpi, simClock } from '../../lib/format.js';
import { describeEvent, eventCategory, p95 } from '../../lib/station-series.js';
import { useAssetLedger } from '../../state/use-asset-ledger.js';
import type { SimSession } from '../../state/use-sim.js';
import { chargedOf, recentWaitOf, StatusBadge, stationStatus } from './city-map.js';
import { InterventionConsole } from './intervention-console.js';
import { StationCharts } from './station-charts.js';
import { HistoryTimeline } from './history-timeline.js';

const HEADER_KPIS: readonly [string, string, string][] = [
  ['queue_length', 'Queue', 'riders'],
  ['charged_batteries', 'Charged', 'batteries'],
  ['wait_p95_recent_s', 'Wait p95 (recent)', 's'],
  ['swaps', 'Swaps', 'swaps'],
  ['reneges', 'Reneges', 'riders'],
  ['power_draw_kw', 'Power', 'kW'],
];

/** Station KPIs as of t from its ledger events (swaps, reneges, wait p95 of the swaps started so far). */
export function kpisFromEvents(events: readonly LedgerEvent[], t: number): Record<string, number> {
  let swaps = 0;
  let reneges = 0;
  const waits: number[] = [];
  for (const e of events) {
    if (e.simTime > t) break;
    if (e.eventType === 'SWAP_COMPLETED') swaps++;
    else if (e.eventType === 'RIDER_RENEGED') reneges++;
    else if (e.eventType === 'SWAP_STARTED' && typeof e.meta?.wait_time_s === 'number') waits.push(e.meta.wait_time_s);
  }
  return { swaps, reneges, wait_p95_s: p95(waits) };
}

/**
 * Whether maintenance mode is on at t, from the asset's own maintenance events: during an outage the state's status
 * says "outage" and hides it. Without such events, the state's status is all there is.
 */
export function maintenanceAt(events: readonly LedgerEvent[], t: number, stateStatus: unknown): boolean {
  let on: boolean | undefined;
  for (const e of events) {
    if (e.simTime > t) break;
    if (e.eventType === 'MAINTENANCE_STARTED') on = true;
    else if (e.eventType === 'MAINTENANCE_ENDED') on = false;
  }
  return on ?? stateStatus === 'maintenance';
}

interface Props {
  readonly session: SimSession;
  readonly sim: SimSummary;
  readonly asset: AssetView;
  readonly kindInfo: AssetKindInfo | undefined;
  readonly onClose: () => void;
}

/** The right drawer: header with status and KPIs, live feed, console, charts and the asset's history. */
export function StationInspector({ session, sim, asset, kindInfo, onClose }: Props): ReactNode {
  const [filter, setFilter] = useState<string>('all');
  const ledger = useAssetLedger(sim.id, asset.id, sim.headSeq);

  const viewTime = session.viewTime;
  const events = useMemo(() => {
    const base = ledger.events;
    const lastSeq = base.length > 0 ? base[base.length - 1].seq : 0;
    const live = session.feed.filter((e) => e.assetId === asset.id && e.seq > lastSeq);
    return live.length > 0 ? [...base, ...live] : base;
    // feedVersion changes when new live events arrive.
  }, [ledger.events, session.feed, session.feedVersion, asset.id]);

  const feed = useMemo(() => {
    const upTo = viewTime ?? Infinity;
    const rows = events.filter((e) => e.simTime <= upTo && e.eventType !== 'ASSET_CREATED');
    const shown = filter === 'all' ? rows : rows.filter((e) => eventCategory(e.eventType) === filter);
    return shown.reverse();
  }, [events, viewTime, filter]);

  const status = stationStatus(asset);
  // In the past the server sends state only: count the station's own events up to the instant instead.
  const k = useMemo(
    () => (viewTime === null ? (asset.kpis ?? {}) : kpisFromEvents(events, viewTime)),
    [viewTime, asset.kpis, events],
  );
  const maintenance = maintenanceAt(events, viewTime ?? Infinity, asset.state.status);
  const value = (name: string): number | undefined =>
    name === 'queue_length' && typeof asset.state.queue_length === 'number'
      ? asset.state.queue_length
      : name === 'charged_batteries'
        ? chargedOf(asset)
        : name === 'power_draw_kw' && typeof asset.state.power_draw_kw === 'number'
          ? asset.state.power_draw_kw
          : name === 'wait_p95_recent_s'
            ? recentWaitOf(asset)
            : k[name];

  return (
    <aside className="drawer" aria-label={`Station inspector: ${String(asset.state.name ?? asset.id)}`}>
      <header className="drawer-head">
        <div>
          <h2>{String(asset.state.name ?? asset.id)}</h2>
          <div className="row">
            <StatusBadge status={status} />
            <span className="tag">{asset.id}</span>
            <span className="tag">{String(asset.state.status ?? '')}</span>
            {maintenance && asset.state.status !== 'maintenance' && <span className="tag">maintenance</span>}
            {session.historical && (
              <span className="tag">
                {session.historyLoading ? 'loading…' : `as of ${clockLabel(sim, viewTime ?? 0)}`}
              </span>
            )}
          </div>
        </div>
        <button type="button" className="ghost" aria-label="Close inspector" onClick={onClose}>
          ✕
        </button>
      </header>
      <div className="kpi-grid compact">
        {HEADER_KPIS.map(([name, label, unit]) => (
          <div key={name} className="kpi" data-kpi={name}>
            <div className="label">{label}</div>
            <div className="value">{formatKpi(value(name), unit)}</div>
          </div>
        ))}
        <div className="kpi">
          <div className="label">Limit</div>
          <div className="value">
            {formatKpi(
              typeof asset.state.grid_power_limit_kw === 'number' ? asset.state.grid_power_limit_kw : undefined,
              'kW',
            )}
          </div>
        </div>
        <div className="kpi">
          <div className="label">Bays free</div>
          <div className="value num">
            {String(asset.state.bays_available ?? '—')}/{String(asset.state.bays_total ?? '—')}
          </div>
        </div>
      </div>
      <StationCharts sim={sim} events={events} markerTime={viewTime} />
      <div className="drawer-cols">
        <section className="feed" aria-label="Live feed">
          <div className="row feed-head">
            <h3>Live feed</h3>
            <select aria-label="Feed filter" value={filter} onChange={(e) => setFilter(e.currentTarget.value)}>
              <option value="all">all events</option>
              <option value="arrival">arrivals</option>
              <option value="swap">swaps</option>
              <option value="renege">reneges / balks</option>
              <option value="charging">charging</option>
              <option value="fault">faults / outages</option>
            </select>
          </div>
          {ledger.error !== undefined && <ErrorView error={ledger.error} />}
          {ledger.loading && ledger.events.length === 0 ? (
            <Loading />
          ) : feed.length === 0 ? (
            <p className="faint">No events yet: press play.</p>
          ) : (
            <VirtualList
              label="Station events, newest first"
              items={feed}
              rowHeight={22}
              height={300}
              render={(e) => (
                <div className={`feed-row cat-${eventCategory(e.eventType)}`}>
                  <span className="num faint">{simClock(sim.startIso, e.simTime, sim.timeZone).time}</span>
                  <span className="feed-text" title={e.eventType}>
                    {e.origin === 'intervention' && <span aria-label="intervention">⚑ </span>}
                    {describeEvent(e.eventType, e.meta)}
                  </span>
                </div>
              )}
            />
          )}
          <h3 className="sub">Asset history</h3>
          <HistoryTimeline sim={sim} events={events} markerTime={viewTime} onSeek={(t) => session.setViewTime(t)} />
        </section>
        <InterventionConsole
          sim={sim}
          asset={asset}
          kindInfo={kindInfo}
          maintenance={maintenanceAt(events, Infinity, asset.state.status)}
          onApplied={() => session.refresh()}
        />
      </div>
    </aside>
  );
}
