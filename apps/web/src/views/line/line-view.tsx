import { useMemo, type ReactNode } from 'react';
import { useApi } from '../../api/context.js';
import { useAsync, useInterval } from '../../api/hooks.js';
import type { AssetView, SimSummary, TelemetryRow } from '../../api/types.js';
import { TimeChart, type ChartSeries } from '../../components/chart.js';
import { Empty, ErrorView, Loading } from '../../components/states.js';
import { TransportBar } from '../../components/transport-bar.js';
import { navigate } from '../../lib/router.js';
import type { SimSession } from '../../state/use-sim.js';
import { LineGraph } from './line-graph.js';
import { MachinePanel } from './machine-panel.js';

const PALETTE = ['#3358d4', '#2f9e5b', '#e0a100', '#8c4fd1', '#d9423b', '#16a3b8', '#5d6670'];

/** Telemetry columns grouped into the production, OEE and economics panels by name. */
export function telemetryGroups(rows: readonly TelemetryRow[]): Record<'production' | 'oee' | 'economics', string[]> {
  const keys = new Set<string>();
  for (const r of rows.slice(0, 5))
    for (const [k, v] of Object.entries(r.values)) if (typeof v === 'number') keys.add(k);
  const all = [...keys];
  const oee = all.filter((k) => /^(oee|availability|performance|quality)(_|$)/.test(k) || /_oee$/.test(k));
  const economics = all.filter((k) => /cost|revenue|margin|profit|eur|usd|value/.test(k) && !oee.includes(k));
  const production = all.filter(
    (k) =>
      /good|output|produced|units|throughput|reject|scrap|defect|wip/.test(k) &&
      !oee.includes(k) &&
      !economics.includes(k),
  );
  return { production: production.slice(0, 6), oee: oee.slice(0, 6), economics: economics.slice(0, 6) };
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
  const telemetry = useAsync(() => (sim === undefined ? Promise.resolve([]) : api.telemetry(sim.id)), [api, sim?.id]);
  useInterval(() => telemetry.reload(), 3000, sim?.state === 'running');
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
              <div className="chart-grid three">
                <Panel
                  title="Production"
                  unit="units"
                  keys={groups.production}
                  rows={telemetry.data ?? []}
                  sim={sim}
                  markerTime={session.viewTime}
                />
                <Panel
                  title="OEE"
                  unit="fraction"
                  keys={groups.oee}
                  rows={telemetry.data ?? []}
                  sim={sim}
                  markerTime={session.viewTime}
                />
                <Panel
                  title="Economics"
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
