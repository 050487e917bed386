import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { DoppelApi } from './api/api.js';
import { ApiProvider, useApi } from './api/context.js';
import { createDoppelApi } from './api/doppel-api.js';
import { useAsync } from './api/hooks.js';
import { bootstrapKey, onKeyInUrl, saveKey } from './api/session.js';
import { ErrorBoundary } from './components/error-boundary.js';
import { Rail, TopBar } from './components/shell.js';
import { Empty, ErrorView, Loading } from './components/states.js';
import { navigate, useRoute, type Route } from './lib/router.js';
import { useSim } from './state/use-sim.js';
import { CityView } from './views/city/city-view.js';
import { CompareView } from './views/compare-view.js';
import { FleetView } from './views/fleet/fleet-view.js';
import { ScenarioLibrary } from './views/fleet/scenario-library.js';
import { LineView } from './views/line/line-view.js';
import { ScenarioEditor } from './views/scenario-editor.js';
import { SignIn } from './views/sign-in.js';
import { SimulationsView } from './views/simulations-view.js';
import { ModelsView } from './views/models/models-view.js';
import { TestsView } from './views/tests/tests-view.js';
import { ExperimentsView } from './views/experiments/experiments-view.js';
import { ControlPlaneView } from './views/controlplane/controlplane-view.js';

export function App(): ReactNode {
  const [key, setKey] = useState<string | null>(() => bootstrapKey());
  const api = useMemo(() => (key === null ? null : createDoppelApi(key)), [key]);
  const [signInError, setSignInError] = useState<unknown>();
  const [account, setAccount] = useState<string>();

  // A start URL pasted into this tab: sign in with its key (another account's key replaces the current one).
  useEffect(
    () =>
      onKeyInUrl((k) => {
        setSignInError(undefined);
        setAccount(undefined);
        setKey(k);
      }),
    [],
  );

  useEffect(() => {
    if (api === null) return;
    let live = true;
    api.account().then(
      (a) => live && setAccount(a.name),
      (e: unknown) => {
        if (!live) return;
        // A wrong or revoked key: back to the sign-in form with the server's message.
        setSignInError(e);
        saveKey(null);
        setKey(null);
      },
    );
    return () => {
      live = false;
    };
  }, [api]);

  if (api === null) {
    return (
      <SignIn
        error={signInError}
        onKey={(k) => {
          saveKey(k);
          setSignInError(undefined);
          setKey(k);
        }}
      />
    );
  }
  return (
    <ApiProvider api={api}>
      <Shell
        account={account}
        onSignOut={() => {
          saveKey(null);
          setAccount(undefined);
          setKey(null);
        }}
      />
    </ApiProvider>
  );
}

/** The simulation views, each with the pack it shows. */
const SIM_VIEWS = { city: 'swap', line: 'line', fleet: 'fleet' } as const;
type SimView = keyof typeof SIM_VIEWS;

function isSimView(view: Route['view']): view is SimView {
  return view in SIM_VIEWS;
}

/** Remembers the last simulation of each simulation view so the rail links go back to them. */
function useLastSims(route: Route): Partial<Record<SimView, string>> {
  const [last, setLast] = useState<Partial<Record<SimView, string>>>({});
  useEffect(() => {
    if (isSimView(route.view) && 'simId' in route && route.simId !== undefined) {
      const id = route.simId;
      const view = route.view;
      setLast((l) => (l[view] === id ? l : { ...l, [view]: id }));
    }
  }, [route]);
  return last;
}

function Shell({ account, onSignOut }: { account: string | undefined; onSignOut: () => void }): ReactNode {
  const route = useRoute();
  const last = useLastSims(route);
  const simId =
    route.view === 'city' || route.view === 'line' || route.view === 'fleet' || route.view === 'controlplane'
      ? route.simId
      : undefined;
  const session = useSim(simId, route.view === 'city' ? 'station' : undefined);
  return (
    <div className="app">
      <Rail route={route} citySim={last.city} lineSim={last.line} fleetSim={last.fleet} />
      <TopBar
        sim={simId !== undefined ? session.sim : undefined}
        viewTime={simId !== undefined ? session.viewTime : null}
        account={account}
        onSignOut={onSignOut}
      />
      <main className="content">
        <ErrorBoundary resetKey={window.location.hash}>
          {route.view === 'simulations' && <SimulationsView />}
          {route.view === 'new' && <ScenarioEditor />}
          {route.view === 'compare' && <CompareView a={route.a} b={route.b} />}
          {route.view === 'tests' && <TestsView testId={route.testId} />}
          {route.view === 'models' && <ModelsView modelId={route.modelId} />}
          {route.view === 'fmus' && <ModelsView fmuId={route.fmuId ?? ''} />}
          {route.view === 'experiments' && <ExperimentsView experimentId={route.experimentId} />}
          {route.view === 'controlplane' && (
            <ControlPlaneView simId={route.simId} session={session} runId={route.runId} />
          )}
          {(route.view === 'city' || route.view === 'line') && route.simId === undefined && (
            <PickSimulation pack={SIM_VIEWS[route.view]} view={route.view} />
          )}
          {route.view === 'fleet' && route.simId === undefined && <ScenarioLibrary />}
          {route.view === 'city' && route.simId !== undefined && <CityView session={session} assetId={route.assetId} />}
          {route.view === 'line' && route.simId !== undefined && <LineView session={session} assetId={route.assetId} />}
          {route.view === 'fleet' && route.simId !== undefined && (
            <FleetView session={session} assetId={route.assetId} />
          )}
        </ErrorBoundary>
      </main>
    </div>
  );
}

/** City or Line without a simulation: open the newest one of that pack, or offer to create one from its examples. */
function PickSimulation({ pack, view }: { pack: string; view: 'city' | 'line' }): ReactNode {
  const api: DoppelApi = useApi();
  const sims = useAsync(() => api.listSimulations(), [api]);
  const examples = useAsync(() => api.listExamples(), [api]);
  const [creating, setCreating] = useState<string | null>(null);
  const [createError, setCreateError] = useState<unknown>();
  const match = (sims.data ?? [])
    .filter((s) => s.pack === pack)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  useEffect(() => {
    if (match !== undefined) navigate({ view, simId: match.id });
  }, [match, view]);
  if (sims.error !== undefined)
    return (
      <div className="page">
        <ErrorView error={sims.error} />
      </div>
    );
  if (sims.loading || match !== undefined) return <Loading />;
  const mine = (examples.data ?? []).filter((e) => e.pack === pack);
  const create = async (id: string, title: string): Promise<void> => {
    setCreating(id);
    setCreateError(undefined);
    try {
      const s = await api.createSimulation({ example: id, name: title });
      navigate({ view, simId: s.id });
    } catch (e) {
      setCreateError(e);
    } finally {
      setCreating(null);
    }
  };
  return (
    <div className="page">
      <Empty title={`No ${pack === 'swap' ? 'city' : 'line'} simulation yet`}>
        <p>Create one from an example:</p>
        <div className="row wrap">
          {mine.map((e) => (
            <button
              key={e.id}
              type="button"
              className="primary"
              disabled={creating !== null}
              onClick={() => void create(e.id, e.title)}
            >
              {creating === e.id ? 'Creating…' : `Create from ${e.title}`}
            </button>
          ))}
        </div>
        {examples.error !== undefined && <ErrorView error={examples.error} />}
        {createError !== undefined && <ErrorView error={createError} title="Cannot create the simulation" />}
        <p>
          or <a href="#/new">write or edit a scenario</a> first.
        </p>
      </Empty>
    </div>
  );
}
