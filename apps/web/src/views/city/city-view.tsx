import { useMemo, useState, type ReactNode } from 'react';
import { useApi } from '../../api/context.js';
import { useAsync, useInterval } from '../../api/hooks.js';
import type { InterventionInput } from '../../api/api.js';
import type { SimSummary } from '../../api/types.js';
import { Empty, ErrorView, Loading } from '../../components/states.js';
import { TransportBar } from '../../components/transport-bar.js';
import { kpisAt } from '../../lib/compare.js';
import { formatKpi } from '../../lib/format.js';
import { navigate } from '../../lib/router.js';
import type { SimSession } from '../../state/use-sim.js';
import { BranchDialog } from '../branch-dialog.js';
import { CityMap } from './city-map.js';
import { NetworkWaitChart } from './network-wait.js';
import { StationInspector } from './station-inspector.js';
import { StationList } from './station-list.js';

const STRIP: readonly [string, string, string][] = [
  ['queue_length', 'Queued', 'riders'],
  ['wait_p95_recent_s', 'Wait p95 (recent)', 's'],
  ['swaps', 'Swaps', 'swaps'],
  ['reneges', 'Reneges', 'riders'],
  ['charged_availability', 'Availability', 'fraction'],
  ['stations_offline', 'Offline', 'stations'],
];

interface Props {
  readonly session: SimSession;
  readonly assetId: string | undefined;
}

/** City Sandbox (seed 000 View 1) with the Station Inspector (View 2) in a drawer. */
export function CityView({ session, assetId }: Props): ReactNode {
  const api = useApi();
  const { sim } = session;
  const [branchAt, setBranchAt] = useState<number | null>(null);
  const [listOpen, setListOpen] = useState(false);
  const pack = useAsync(() => (sim === undefined ? Promise.resolve(undefined) : api.pack(sim.pack)), [api, sim?.pack]);
  const kpis = useAsync(
    () => (sim === undefined ? Promise.resolve(undefined) : api.kpis(sim.id)),
    [api, sim?.id, sim?.headSeq],
  );
  useInterval(() => kpis.reload(), 1500, sim?.state === 'running');
  // The day's telemetry rows: the network wait chart, and network KPIs as of the slider's instant when scrubbing.
  // Fetched again each time the head crosses a telemetry interval (5 sim minutes by default).
  const telemetryBucket = sim === undefined ? 0 : Math.floor(sim.simTime / 300);
  const telemetry = useAsync(
    () => (sim === undefined ? Promise.resolve(undefined) : api.telemetry(sim.id)),
    [api, sim?.id, telemetryBucket],
  );
  const shownKpis = useMemo(() => {
    if (session.viewTime === null || telemetry.data === undefined || pack.data === undefined) return kpis.data?.values;
    return kpisAt(telemetry.data, pack.data.kpis, session.viewTime);
  }, [session.viewTime, telemetry.data, pack.data, kpis.data]);
  const stations = useMemo(() => (session.assets ?? []).filter((a) => a.kind === 'station'), [session.assets]);
  const stationKind = pack.data?.assetKinds.find((k) => k.kind === 'station');
  const selected = stations.find((s) => s.id === assetId);

  if (session.error !== undefined && sim === undefined)
    return (
      <div className="page">
        <ErrorView error={session.error} title="Cannot open the simulation" />
      </div>
    );
  if (sim === undefined) return <Loading label="Opening the city…" />;
  if (sim.pack !== 'swap') {
    return (
      <div className="page">
        <Empty title={`${sim.name} is a ${sim.pack} simulation`}>
          <button type="button" onClick={() => navigate({ view: 'line', simId: sim.id })}>
            Open it in the Line view
          </button>
        </Empty>
      </div>
    );
  }
  const select = (id: string | undefined): void => navigate({ view: 'city', simId: sim.id, assetId: id });
  const onBranch = async (name: string, interventions: InterventionInput[]): Promise<void> => {
    if (branchAt === null) return;
    const b = await session.branch(branchAt, name, interventions);
    if (b !== null) {
      setBranchAt(null);
      // Re-run the branch up to where its parent is, so the comparison has both curves at once (seed 000 §4.2).
      if (sim.simTime > branchAt) void api.runUntil(b.id, sim.simTime).catch(() => undefined);
      navigate({ view: 'compare', a: sim.id, b: b.id });
    }
  };
  const openBranch = (b: SimSummary): void => navigate({ view: 'compare', a: sim.id, b: b.id });

  return (
    <div className="sim-frame">
      <div className={`sim-body${selected !== undefined ? ' with-drawer' : ''}`}>
        <div className="map-area">
          {session.assets === undefined ? (
            <Loading label="Loading stations…" />
          ) : stations.length === 0 ? (
            <Empty title="No stations in this scenario" />
          ) : (
            <CityMap stations={stations} extent={null} selectedId={assetId} onSelect={select} />
          )}
          <div className="map-side">
            <div className="kpi-strip" role="group" aria-label="Network KPIs">
              {STRIP.map(([name, label, unit]) => (
                <div key={name} className="kpi mini" data-kpi={name}>
                  <div className="label">{label}</div>
                  <div className="value">{formatKpi(shownKpis?.[name], unit)}</div>
                </div>
              ))}
            </div>
            <div className="map-find row">
              <button
                type="button"
                aria-expanded={listOpen}
                aria-controls="station-list"
                onClick={() => setListOpen((o) => !o)}
              >
                ☰ Station list
              </button>
              <input
                list="station-names"
                placeholder="Find station…"
                aria-label="Find station"
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  const hit = stations.find((s) => s.id === v || s.state.name === v);
                  if (hit !== undefined) select(hit.id);
                }}
              />
              <datalist id="station-names">
                {stations.map((s) => (
                  <option key={s.id} value={String(s.state.name ?? s.id)} />
                ))}
              </datalist>
            </div>
            {telemetry.data !== undefined && (
              <NetworkWaitChart sim={sim} rows={telemetry.data} markerTime={session.viewTime} />
            )}
            {listOpen && <StationList stations={stations} selectedId={assetId} onSelect={(id) => select(id)} />}
            {sim.state === 'ready' && !session.historical && (
              <div className="hint panel" role="note">
                <strong>Try it:</strong> press ▶ (or space) to start the day · type <code>17:45</code> in “Run to” to
                jump to the evening peak · click a station to inspect it and cut its power · drag the slider back, then
                “Branch here”.
              </div>
            )}
            {session.historical && (
              <div className="past-banner" role="status">
                {session.historyLoading
                  ? 'Loading the past…'
                  : 'Showing the past: drag the slider to the right end or press Live'}
              </div>
            )}
          </div>
          {(session.assetsError !== undefined || session.actionError !== undefined) && (
            <div className="map-overlay bottom-right">
              <ErrorView error={session.actionError ?? session.assetsError} />
            </div>
          )}
        </div>
        {selected !== undefined && (
          <StationInspector
            session={session}
            sim={sim}
            asset={selected}
            kindInfo={stationKind}
            onClose={() => select(undefined)}
          />
        )}
      </div>
      <TransportBar session={session} onBranchHere={(t) => setBranchAt(t)} onOpenBranch={openBranch} />
      {branchAt !== null && (
        <BranchDialog
          sim={sim}
          time={branchAt}
          kindInfo={stationKind}
          assets={stations}
          selectedId={assetId}
          error={session.actionError}
          busy={session.busy}
          onCancel={() => {
            setBranchAt(null);
            session.clearActionError();
          }}
          onBranch={(name, ivs) => void onBranch(name, ivs)}
        />
      )}
    </div>
  );
}
