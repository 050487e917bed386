import { useMemo, type ReactNode } from 'react';
import { useApi } from '../../api/context.js';
import { useAsync, useInterval } from '../../api/hooks.js';
import { Empty, ErrorView, Loading } from '../../components/states.js';
import { TransportBar } from '../../components/transport-bar.js';
import { kpisAt } from '../../lib/compare.js';
import { navigate, viewOfPack } from '../../lib/router.js';
import type { SimSession } from '../../state/use-sim.js';
import { InterventionConsole } from '../city/intervention-console.js';
import { CaseTable } from './case-table.js';
import { FleetKpis } from './fleet-kpis.js';
import { buildScene, casesOf } from './fleet-scene.js';
import { RoadScene } from './road-scene.js';
import { VehiclePanel } from './vehicle-panel.js';

interface Props {
  readonly session: SimSession;
  /** A vehicle (inspected, its case shown) or a case (shown, its first vehicle inspected). */
  readonly assetId: string | undefined;
}

/**
 * Fleet (seed 001): the road scene of one case (vehicles, sensor cones and detections, speed and TTC), the selected
 * vehicle's readouts and its intervention console, the run's cases as a report with verdicts and scores, its KPIs, and the transport bar whose
 * slider replays the run. Each panel is a module of its own, so more can join the side column.
 */
export function FleetView({ session, assetId }: Props): ReactNode {
  const api = useApi();
  const { sim } = session;
  const kpis = useAsync(
    () => (sim === undefined ? Promise.resolve(undefined) : api.kpis(sim.id)),
    [api, sim?.id, sim?.headSeq],
  );
  useInterval(() => kpis.reload(), 1500, sim?.state === 'running');
  // KPIs at the slider's instant when replaying: the telemetry rows (one a second) folded up to it, as in the City.
  const pack = useAsync(() => (sim === undefined ? Promise.resolve(undefined) : api.pack(sim.pack)), [api, sim?.pack]);
  const telemetry = useAsync(
    () => (sim === undefined || !session.historical ? Promise.resolve(undefined) : api.telemetry(sim.id)),
    [api, sim?.id, sim?.headSeq, session.historical],
  );
  const shownKpis = useMemo(() => {
    if (session.viewTime === null) return kpis.data?.values;
    if (telemetry.data === undefined || pack.data === undefined) return undefined;
    return kpisAt(telemetry.data, pack.data.kpis, session.viewTime);
  }, [session.viewTime, telemetry.data, pack.data, kpis.data]);
  const assets = useMemo(() => session.assets ?? [], [session.assets]);
  const cases = useMemo(() => casesOf(assets), [assets]);
  const picked = assets.find((a) => a.id === assetId);
  const caseId =
    picked?.kind === 'case'
      ? picked.id
      : typeof picked?.state.case === 'string'
        ? picked.state.case
        : (cases[0]?.id ?? '');
  const scene = useMemo(() => buildScene(assets, caseId), [assets, caseId]);
  const vehicleId = picked?.kind === 'vehicle' ? picked.id : scene.vehicles[0]?.id;
  const vehicleAsset = assets.find((a) => a.id === vehicleId);
  const sceneVehicle = scene.vehicles.find((v) => v.id === vehicleId);
  const vehicleKind = pack.data?.assetKinds.find((k) => k.kind === 'vehicle');
  // A what-if copy of the live fleet (POST /api/v1/twin/live/fork) waits for the change to try.
  const isFork = cases.some((c) => c.state.type === 'live_fork');

  if (session.error !== undefined && sim === undefined)
    return (
      <div className="page">
        <ErrorView error={session.error} title="Cannot open the simulation" />
      </div>
    );
  if (sim === undefined) return <Loading label="Opening the fleet run…" />;
  if (sim.pack !== 'fleet') {
    const view = viewOfPack(sim.pack);
    return (
      <div className="page">
        <Empty title={`${sim.name} is a ${sim.pack} simulation`}>
          <button type="button" onClick={() => navigate({ view, simId: sim.id })}>
            Open it in the {view === 'line' ? 'Line' : 'City'} view
          </button>
        </Empty>
      </div>
    );
  }
  const select = (id: string | undefined): void =>
    navigate({ view: 'fleet', simId: sim.id, ...(id === undefined ? {} : { assetId: id }) });

  return (
    <div className="sim-frame">
      <div className="sim-body fleet-body">
        <div className="fleet-main">
          <div className="fleet-toolbar">
            <a className="button" href="#/fleet">
              ◂ Scenario library
            </a>
            {cases.length > 1 && (
              <label className="field inline">
                Case
                <select value={caseId} onChange={(e) => select(e.currentTarget.value)}>
                  {cases.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.id}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <FleetKpis values={shownKpis} cases={cases} />
          </div>
          <div className="scene-wrap">
            {session.assets === undefined ? (
              <Loading label="Loading the scene…" />
            ) : cases.length === 0 ? (
              <Empty title="No test case in this scenario" />
            ) : (
              <RoadScene scene={scene} selectedId={vehicleId} onSelect={(id) => id !== undefined && select(id)} />
            )}
            {session.historical && (
              <div className="past-banner" role="status">
                {session.historyLoading ? 'Loading the past…' : 'Replaying the past: drag the slider or press Live'}
              </div>
            )}
            {sim.state === 'ready' && !session.historical && (
              <div className="hint panel scene-hint" role="note">
                {isFork ? (
                  <>
                    <strong>What if?</strong> This is a copy of the live fleet as last measured. Pick a vehicle, make a
                    change in the intervention console (an external command of −6 m/s² brakes it now), then press ▶ (or
                    space) and see what follows.
                  </>
                ) : (
                  <>
                    <strong>Try it:</strong> press ▶ (or space) to run the test · drag the slider to replay it · click a
                    vehicle to inspect its sensors.
                  </>
                )}
              </div>
            )}
            {(session.assetsError !== undefined || session.actionError !== undefined) && (
              <div className="map-overlay bottom-right">
                <ErrorView error={session.actionError ?? session.assetsError} />
              </div>
            )}
          </div>
          <section className="fleet-cases" aria-label="Cases of this run">
            {kpis.error !== undefined && <ErrorView error={kpis.error} />}
            <CaseTable cases={cases} selectedId={caseId} onSelect={(id) => select(id)} />
          </section>
        </div>
        <aside className="fleet-side" aria-label="Inspector">
          {vehicleAsset !== undefined && sceneVehicle !== undefined ? (
            <>
              <VehiclePanel asset={vehicleAsset} vehicle={sceneVehicle} />
              <InterventionConsole
                sim={sim}
                asset={vehicleAsset}
                kindInfo={vehicleKind}
                onApplied={() => session.refresh()}
              />
            </>
          ) : (
            <p className="faint">Click a vehicle in the scene to inspect it.</p>
          )}
        </aside>
      </div>
      <TransportBar
        session={session}
        onBranchHere={(t) =>
          void session
            .branch(t, `${sim.name} · branch`, [])
            .then((b) => b !== null && navigate({ view: 'fleet', simId: b.id }))
        }
        onOpenBranch={(b) => navigate({ view: 'fleet', simId: b.id })}
      />
    </div>
  );
}
