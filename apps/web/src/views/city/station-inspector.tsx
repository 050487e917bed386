import { useMemo, useState, type ReactNode } from 'react';
import { useApi } from '../../api/context.js';
import { useAsync, useInterval } from '../../api/hooks.js';
import type { AssetKindInfo, AssetView, LedgerEvent, SimSummary } from '../../api/types.js';
import { ErrorView, Loading } from '../../components/states.js';
import { VirtualList } from '../../components/virtual-list.js';
import { formatKpi, simClock } from '../../lib/format.js';
import { describeEvent, eventCategory } from '../../lib/station-series.js';
import type { SimSession } from '../../state/use-sim.js';
import { chargedOf, StatusBadge, stationStatus } from './city-map.js';
import { InterventionConsole } from './intervention-console.js';
import { StationCharts } from './station-charts.js';
import { HistoryTimeline } from './history-timeline.js';

const HEADER_KPIS: readonly [string, string, string][] = [
  ['queue_length', 'Queue', 'riders'],
  ['charged_batteries', 'Charged', 'batteries'],
  ['wait_p95_s', 'Wait p95', 's'],
  ['swaps', 'Swaps', 'swaps'],
  ['reneges', 'Reneges', 'riders'],
  ['power_draw_kw', 'Power', 'kW'],
];

const PAGE = 5000;
const MAX_EVENTS = 40000;

/** The station's whole ledger so far, in pages (asc), for charts, feed backlog and history. */
async function loadAssetLedger(api: ReturnType<typeof useApi>, simId: string, assetId: string): Promise<LedgerEvent[]> {
  const out: LedgerEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await api.ledger(simId, { assetId, afterSeq: after, limit: PAGE, order: 'asc' });
    out.push(...page);
    if (page.length < PAGE || out.length >= MAX_EVENTS) return out;
    after = page[page.length - 1].seq;
  }
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
  const api = useApi();
  const [tab, setTab] = useState<'charts' | 'history'>('charts');
  const [filter, setFilter] = useState<string>('all');
  const ledger = useAsync(() => loadAssetLedger(api, sim.id, asset.id), [api, sim.id, asset.id]);
  // While running, the charts follow the head; the feed is live from the WebSocket in between.
  useInterval(() => ledger.reload(), 4000, sim.state === 'running');

  const viewTime = session.viewTime;
  const events = useMemo(() => {
    const base = ledger.data ?? [];
    const lastSeq = base.length > 0 ? base[base.length - 1].seq : 0;
    const live = session.feed.filter((e) => e.assetId === asset.id && e.seq > lastSeq);
    return live.length > 0 ? [...base, ...live] : base;
    // feedVersion changes when new live events arrive.
  }, [ledger.data, session.feed, session.feedVersion, asset.id]);

  const feed = useMemo(() => {
    const upTo = viewTime ?? Infinity;
    const rows = events.filter((e) => e.simTime <= upTo && e.eventType !== 'ASSET_CREATED');
    const shown = filter === 'all' ? rows : rows.filter((e) => eventCategory(e.eventType) === filter);
    return shown.reverse();
  }, [events, viewTime, filter]);

  const status = stationStatus(asset);
  const k = asset.kpis ?? {};
  const value = (name: string): number | undefined =>
    name === 'queue_length' && typeof asset.state.queue_length === 'number'
      ? asset.state.queue_length
      : name === 'charged_batteries'
        ? chargedOf(asset)
        : name === 'power_draw_kw' && typeof asset.state.power_draw_kw === 'number'
          ? asset.state.power_draw_kw
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
            {session.historical && (
              <span className="tag">as of {simClock(sim.startIso, viewTime ?? 0, sim.timeZone).time.slice(0, 5)}</span>
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
          {ledger.loading && ledger.data === undefined ? (
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
        </section>
        <InterventionConsole
          sim={sim}
          asset={asset}
          kindInfo={kindInfo}
          onApplied={() => {
            session.refresh();
            ledger.reload();
          }}
        />
      </div>
      <div className="tabs" role="tablist" aria-label="Station details">
        <button type="button" role="tab" aria-selected={tab === 'charts'} onClick={() => setTab('charts')}>
          Charts
        </button>
        <button type="button" role="tab" aria-selected={tab === 'history'} onClick={() => setTab('history')}>
          History
        </button>
      </div>
      {tab === 'charts' ? (
        <StationCharts sim={sim} events={events} markerTime={viewTime} />
      ) : (
        <HistoryTimeline sim={sim} events={events} markerTime={viewTime} onSeek={(t) => session.setViewTime(t)} />
      )}
    </aside>
  );
}
