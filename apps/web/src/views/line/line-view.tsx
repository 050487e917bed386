import { useMemo, type ReactNode } from 'react';
import { useApi } from '../../api/context.js';
import { useAsync } from '../../api/hooks.js';
import type { AssetView, SimSummary, TelemetryRow } from '../../api/types.js';
import { TimeChart, type ChartSeries } from '../../components/chart.js';
import { Empty, ErrorView, Loading } from '../../components/states.js';
import { TransportBar } from '../../components/transport-bar.js';
import { navigate } from '../../lib/router.js';
import type { SimSession } from '../../state/use-sim.js';
import { LineGraph } from './line-graph.js';
import { MachinePanel } from './machine-panel.js';

const PALETTE = ['#3358d4', '#2f9e5b', '#e0a100', '#8c4fd1', '#d9423b', '#16a3b8', '#5d6670'];

/**
 * Telemetry columns grouped into panels by name: production counts, buffer levels, economics. Columns that never
 * change (pack settings such as units per case) are left out.
 */
export function telemetryGroups(
  rows: readonly TelemetryRow[],
): Record<'production' | 'buffers' | 'economics', string[]> {
  const keys = new Set<string>();
  for (const r of rows.slice(0, 5))
    for (const [k, v] of Object.entries(r.values)) if (typeof v === 'number') keys.add(k);
  const varies = (k: string): boolean => rows.some((r) => r.values[k] !== rows[0]?.values[k]);
  const all = [...keys].filter(varies);
  const economics = all.filter((k) => /cost|revenue|margin|profit|eur|usd/.test(k));
  const buffers = all.filter((k) => /_level$/.test(k) && !economics.includes(k));
  const production = all.filter(
    (k) =>
      /good|output|produced|units|throughput|reject|scrap|defect|pallets|cases/.test(k) &&
      !economics.includes(k) &&
      !buffers.includes(k),
  );
  return { production: production.slice(0, 6), buffers: buffers.slice(0, 6), economics: economics.slice(0, 6) };
}

/** A, P, Q and OEE of every machine now, as bars. */
function OeePanel({ machines }: { machines: readonly AssetView[] }): ReactNode {
  const keys = ['availability', 'performance', 'quality', 'oee'] as const;
  return (
    <figure className="chart oee-panel" aria-label="OEE by machine">
      <figcaption>
        OEE by machine <span className="faint">(A × P × Q, %)</span>
      </figcaption>
      <table className="data compact">
        <thead>
          <tr>
            <th>Machine</th>
            <th className="num">A</th>
            <th className="num">P</th>
            <th className="num">Q</th>
            <th className="num">OEE</th>
          </tr>
        </thead>
        <tbody>
          {machines.map((m) => (
            <tr key={m.id}>
              <td>{m.id}</td>
              {keys.map((k) => {
                const v = m.kpis?.[k];
                return (
                  <td key={k} className="num">
                    {v === undefined ? (
                      '—'
                    ) : (
                      <span className="bar" style={{ ['--v' as string]: `${Math.round(v * 100)}%` }}>
                        {(v * 100).toFixed(1)}
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function Panel({
  title,
  unit,
  keys,
  rows,
  sim,
  markerTime,
}: {
  title: string;
  unit: string;
  keys: string[];
  rows: readonly TelemetryRow[];
  sim: SimSummary;
  markerTime: number | null;
}): ReactNode {
  const times = useMemo(() => rows.map((r) => r.simTime), [rows]);
  const series = useMemo<ChartSeries[]>(
    () =>
      keys.map((k, i) => ({
        label: k,
        color: PALETTE[i % PALETTE.length],
        values: rows.map((r) => r.values[k] ?? null),
      })),
    [keys, rows],
  );
  if (keys.length === 0) return null;
  return (
    <TimeChart
      title={title}
      unit={unit}
      times={times}
      series={series}
      markerTime={markerTime ?? sim.simTime}
      startIso={sim.startIso}
      timeZone={sim.timeZone}
      xMax={sim.durationS}
      height={140}
    />
  );
}

/** Line (seed 002): topology graph coloured by machine state, a machine panel, and production/OEE/economics. */
export function LineView({ session, assetId }: { session: SimSession; assetId: string | undefined }): ReactNode {
  const api = useApi();
  const { sim } = session;
  const pack = useAsync(() => (sim === undefined ? Promise.resolve(undefined) : api.pack(sim.pack)), [api, sim?.pack]);
  const telemetry = useAsync(
    () => (sim === undefined ? Promise.resolve([]) : api.telemetry(sim.id)),
    [api, sim?.id, sim?.headSeq],
  );
  const assets: readonly AssetView[] = session.assets ?? [];
  const groups = useMemo(() => telemetryGroups(telemetry.data ?? []), [telemetry.data]);

  if (session.error !== undefined && sim === undefined)
    return (
      <div className="page">
        <ErrorView error={session.error} title="Cannot open the simulation" />
      </div>
    );
  if (sim === undefined) return <Loading label="Opening the line…" />;
  if (sim.pack !== 'line') {
    return (
      <div className="page">
        <Empty title={`${sim.name} is a ${sim.pack} simulation`}>
          <button type="button" onClick={() => navigate({ view: 'city', simId: sim.id })}>
            Open it in the City view
          </button>
        </Empty>
      </div>
    );
  }
  const selected = assets.find((a) => a.id === assetId);
  const machineKind = pack.data?.assetKinds.find((k) => k.kind === selected?.kind);
  return (
    <div className="sim-frame">
      <div className="sim-body line-body">
        <div className="line-main">
          <div className="line-graph-wrap">
            {session.assets === undefined ? (
              <Loading label="Loading the line…" />
            ) : (
              <LineGraph
                assets={assets}
                selectedId={assetId}
                onSelect={(id) => navigate({ view: 'line', simId: sim.id, assetId: id })}
              />
            )}
          </div>
          <div className="line-panels">
            {telemetry.error !== undefined && <ErrorView error={telemetry.error} />}
            {(telemetry.data ?? []).length === 0 ? (
              <p className="faint">
                Production, OEE and economics appear after the first telemetry interval (press play).
              </p>
            ) : (
              <div className="chart-grid four">
                <Panel
                  title="Production per interval"
                  unit="units"
                  keys={groups.production}
                  rows={telemetry.data ?? []}
                  sim={sim}
                  markerTime={session.viewTime}
                />
                <OeePanel machines={assets.filter((a) => a.kind === 'machine')} />
                <Panel
                  title="Buffer levels"
                  unit="units"
                  keys={groups.buffers}
                  rows={telemetry.data ?? []}
                  sim={sim}
                  markerTime={session.viewTime}
                />
                <Panel
                  title="Economics per interval"
                  unit="€"
                  keys={groups.economics}
                  rows={telemetry.data ?? []}
                  sim={sim}
                  markerTime={session.viewTime}
                />
              </div>
            )}
          </div>
        </div>
        {selected !== undefined && (
          <MachinePanel
            sim={sim}
            session={session}
            asset={selected}
            kindInfo={machineKind}
            onClose={() => navigate({ view: 'line', simId: sim.id })}
          />
        )}
      </div>
      <TransportBar
        session={session}
        onBranchHere={(t) =>
          void session
            .branch(t, `${sim.name} · branch`, [])
            .then((b) => b !== null && navigate({ view: 'compare', a: sim.id, b: b.id }))
        }
        onOpenBranch={(b) => navigate({ view: 'compare', a: sim.id, b: b.id })}
      />
    </div>
  );
}
