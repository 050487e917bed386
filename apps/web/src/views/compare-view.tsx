import { useMemo, useState, type ReactNode } from 'react';
import { useApi } from '../api/context.js';
import { useAsync, useInterval } from '../api/hooks.js';
import type { LedgerEvent, SimSummary } from '../api/types.js';
import { axisNumber, TimeChart } from '../components/chart.js';
import { Empty, ErrorView, Loading } from '../components/states.js';
import { alignSeries, deltaClass, firstEventDivergence, firstKpiDivergence, kpisAt } from '../lib/compare.js';
import { clockLabel } from '../lib/clock-time.js';
import { formatDelta, formatKpi, humanize } from '../lib/format.js';
import { navigate } from '../lib/router.js';
import { openSim } from './simulations-view.js';

const COLORS = { a: '#8b939c', b: '#3358d4' };

/** Branch vs parent (or any two runs of one pack): KPIs with deltas, wait curves, first divergence. */
export function CompareView({ a, b }: { a: string; b: string | undefined }): ReactNode {
  const api = useApi();
  const sims = useAsync(() => api.listSimulations(), [api]);
  if (b === undefined) {
    const candidates = (sims.data ?? []).filter((s) => s.id !== a && (s.parentId === a || s.id !== a));
    return (
      <div className="page">
        <h1>Compare</h1>
        {sims.loading ? (
          <Loading />
        ) : candidates.length === 0 ? (
          <Empty title="Nothing to compare with yet">Branch this simulation from the time slider first.</Empty>
        ) : (
          <ul>
            {candidates.map((s) => (
              <li key={s.id}>
                <a href={`#/compare/${encodeURIComponent(a)}/${encodeURIComponent(s.id)}`}>{s.name}</a>
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return <ComparePair a={a} b={b} />;
}

async function firstEvents(api: ReturnType<typeof useApi>, id: string, from: number): Promise<LedgerEvent[]> {
  return api.ledger(id, { fromTime: from, limit: 2000, order: 'asc' });
}

function ComparePair({ a, b }: { a: string; b: string }): ReactNode {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const data = useAsync(async () => {
    const [sa, sb] = await Promise.all([api.getSimulation(a), api.getSimulation(b)]);
    const [ta, tb, pack] = await Promise.all([api.telemetry(a), api.telemetry(b), api.pack(sa.pack)]);
    return { sa, sb, ta, tb, pack };
  }, [api, a, b]);
  const running = data.data !== undefined && (data.data.sa.state === 'running' || data.data.sb.state === 'running');
  useInterval(() => data.reload(), 1500, running);
  const fork = data.data?.sb.forkTime ?? data.data?.sa.forkTime ?? 0;
  const events = useAsync(
    async () => (data.data === undefined ? null : Promise.all([firstEvents(api, a, fork), firstEvents(api, b, fork)])),
    [api, a, b, fork, data.data?.sa.headSeq, data.data?.sb.headSeq],
  );

  const view = useMemo(() => {
    const d = data.data;
    if (d === undefined) return undefined;
    const common = Math.min(d.sa.simTime, d.sb.simTime);
    const ka = kpisAt(d.ta, d.pack.kpis, common);
    const kb = kpisAt(d.tb, d.pack.kpis, common);
    const wait = alignSeries(d.ta, d.tb, 'wait_mean_s');
    // The recent-window p95 shows a peak as it happens; the since-the-start mean only drifts.
    const waitP95 = alignSeries(d.ta, d.tb, 'wait_p95_recent_s');
    const queue = alignSeries(d.ta, d.tb, 'queue_length');
    return { ...d, common, ka, kb, wait, waitP95, queue, kpiDiverge: firstKpiDivergence(d.ta, d.tb, fork) };
  }, [data.data, fork]);

  if (data.error !== undefined)
    return (
      <div className="page">
        <ErrorView error={data.error} title="Cannot compare" />
      </div>
    );
  if (view === undefined) return <Loading label="Loading both runs…" />;
  const { sa, sb, pack, common, ka, kb } = view;
  const clock = (s: SimSummary, t: number): string => clockLabel(s, t);
  const target = Math.max(sa.simTime, sb.simTime);
  const behind = [sa, sb].filter((s) => s.simTime < target && s.state !== 'running');
  const runUp = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await Promise.all(behind.map((s) => api.runUntil(s.id, target)));
      data.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  let evDiverge: { t: number; text: string } | null = null;
  if (events.data !== undefined && events.data !== null) {
    const [ea, eb] = events.data;
    const i = firstEventDivergence(ea, eb);
    if (i >= 0) {
      const x = eb[i] ?? ea[i];
      evDiverge = { t: x.simTime, text: `${x.eventType} at ${x.assetId}` };
    }
  }
  const chartCommon = {
    startIso: sa.startIso,
    timeZone: sa.timeZone,
    markerTime: fork,
    xMax: sa.durationS,
    height: 190,
  };
  return (
    <div className="page compare">
      <div className="page-head">
        <h1>Compare</h1>
        <span className="spacer" />
        <button type="button" onClick={() => openSim(sa)}>
          Open {sa.name}
        </button>
        <button type="button" onClick={() => openSim(sb)}>
          Open {sb.name}
        </button>
      </div>
      <div className="compare-heads">
        {[
          ['A', sa, COLORS.a],
          ['B', sb, COLORS.b],
        ].map(([label, s, color]) => {
          const sim = s as SimSummary;
          return (
            <div key={String(label)} className="panel compare-head" style={{ borderTop: `3px solid ${String(color)}` }}>
              <div className="row">
                <strong>{String(label)}</strong>
                <span>{sim.name}</span>
                <span className={`state-pill ${sim.state}`}>{sim.state}</span>
              </div>
              <div className="faint num">
                at {clock(sim, sim.simTime)}{' '}
                {sim.parentId !== null && sim.forkTime !== null ? `· branched at ${clock(sim, sim.forkTime)}` : ''}
              </div>
            </div>
          );
        })}
      </div>
      {error !== undefined && <ErrorView error={error} />}
      <div className="panel row divergence" aria-label="Divergence">
        <span>
          Branch point <strong className="num">{clock(sa, fork)}</strong>
        </span>
        <span>
          Ledgers first differ:{' '}
          <strong className="num" data-testid="event-divergence">
            {evDiverge === null ? (events.loading ? '…' : 'not yet') : `${clock(sa, evDiverge.t)}`}
          </strong>{' '}
          {evDiverge !== null && <span className="faint">({evDiverge.text})</span>}
        </span>
        <span>
          KPIs first differ:{' '}
          <strong className="num" data-testid="kpi-divergence">
            {view.kpiDiverge === null ? 'not yet' : clock(sa, view.kpiDiverge)}
          </strong>
        </span>
        <span className="spacer" />
        {behind.length > 0 && (
          <button type="button" className="primary" disabled={busy} onClick={() => void runUp()}>
            {busy
              ? 'Running…'
              : `Run ${behind.map((s) => (s.id === sa.id ? 'A' : 'B')).join(' and ')} to ${clock(sa, target)}`}
          </button>
        )}
      </div>
      <div className="compare-body">
        <section className="panel" aria-label="Network KPIs">
          <h3>Network KPIs at {clock(sa, common)}</h3>
          <table className="data">
            <thead>
              <tr>
                <th>KPI</th>
                <th className="num">A</th>
                <th className="num">B</th>
                <th className="num">Δ (B − A)</th>
              </tr>
            </thead>
            <tbody>
              {pack.kpis.map((k) => {
                const va = ka[k.name];
                const vb = kb[k.name];
                const delta = vb !== undefined && va !== undefined ? vb - va : NaN;
                return (
                  <tr key={k.name} data-kpi={k.name}>
                    <td title={k.description}>{humanize(k.name)}</td>
                    <td className="num">{formatKpi(va, k.unit)}</td>
                    <td className="num">{formatKpi(vb, k.unit)}</td>
                    <td className={`num delta ${deltaClass(k.name, delta)}`}>{formatDelta(delta, k.unit)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
        <section className="stack">
          <TimeChart
            title="Wait, network (p95 of the recent window solid, mean since the start dashed)"
            unit="min"
            times={view.wait.times}
            series={[
              {
                label: 'A p95 recent',
                color: COLORS.a,
                values: view.waitP95.a.map((v) => (v === null ? null : v / 60)),
              },
              {
                label: 'B p95 recent',
                color: COLORS.b,
                values: view.waitP95.b.map((v) => (v === null ? null : v / 60)),
              },
              {
                label: 'A mean',
                color: COLORS.a,
                dash: [5, 4],
                values: view.wait.a.map((v) => (v === null ? null : v / 60)),
              },
              {
                label: 'B mean',
                color: COLORS.b,
                dash: [5, 4],
                values: view.wait.b.map((v) => (v === null ? null : v / 60)),
              },
            ]}
            formatValue={axisNumber}
            {...chartCommon}
          />
          <TimeChart
            title="Riders queued, network"
            unit="riders"
            times={view.queue.times}
            series={[
              { label: 'A', color: COLORS.a, values: view.queue.a },
              { label: 'B', color: COLORS.b, values: view.queue.b },
            ]}
            {...chartCommon}
          />
          <button type="button" className="ghost" onClick={() => navigate({ view: 'simulations' })}>
            ← All simulations
          </button>
        </section>
      </div>
    </div>
  );
}
