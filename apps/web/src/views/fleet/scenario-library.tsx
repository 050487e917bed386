import { useState, type ReactNode } from 'react';
import { useApi } from '../../api/context.js';
import { useAsync, useInterval } from '../../api/hooks.js';
import type { SimSummary } from '../../api/types.js';
import { Empty, ErrorView, Loading } from '../../components/states.js';
import { navigate, routeHref } from '../../lib/router.js';
import { VerdictBadge, type Verdict } from './case-table.js';
import { LivePanel } from './live-panel.js';

/** A run's verdict from its KPIs: pending until every case is judged, pass only when all of them pass. */
export function runVerdict(values: Readonly<Record<string, number>> | undefined): Verdict {
  if (values === undefined) return 'pending';
  const cases = values.cases ?? 0;
  if (cases === 0 || (values.cases_finished ?? 0) < cases) return 'pending';
  return (values.cases_failed ?? 0) === 0 ? 'pass' : 'fail';
}

/** Runs listed with their verdicts (each verdict is one KPI read). */
const MAX_RUNS = 30;

/**
 * The Fleet view's home: the live fleet (the physical vehicles the twin mirrors, forkable into a what-if), the scenario
 * library (every fleet example, run on the server with one click) and the runs made so far with their verdicts; a run
 * opens in the road scene to replay it on the time slider.
 */
export function ScenarioLibrary(): ReactNode {
  const api = useApi();
  const examples = useAsync(() => api.listExamples(), [api]);
  const runs = useAsync(async () => {
    const all = (await api.listSimulations())
      .filter((s) => s.pack === 'fleet')
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, MAX_RUNS);
    const kpis = await Promise.all(
      all.map((s) =>
        api.kpis(s.id).then(
          (k) => k.values,
          () => undefined,
        ),
      ),
    );
    return all.map((sim, i) => ({ sim, kpis: kpis[i] }));
  }, [api]);
  const [starting, setStarting] = useState<string>();
  const [error, setError] = useState<unknown>();
  useInterval(
    () => runs.reload(),
    2000,
    (runs.data ?? []).some((r) => r.sim.state === 'running'),
  );

  const start = async (example: string, title: string): Promise<void> => {
    setStarting(example);
    setError(undefined);
    try {
      const sim = await api.createSimulation({ example, name: title });
      // Flat out: a test case takes seconds of sim time; the time slider replays it at any pace afterwards.
      await api.run(sim.id, null);
      navigate({ view: 'fleet', simId: sim.id });
    } catch (e) {
      setError(e);
    } finally {
      setStarting(undefined);
    }
  };

  const library = (examples.data ?? []).filter((e) => e.pack === 'fleet');
  return (
    <div className="page fleet-library">
      <div className="page-head">
        <h1>Fleet</h1>
      </div>
      {error !== undefined && <ErrorView error={error} title="Cannot run the scenario" />}
      <LivePanel />
      <section className="panel" aria-label="Scenario library">
        <h2>Scenarios</h2>
        {examples.error !== undefined && <ErrorView error={examples.error} />}
        {examples.loading && examples.data === undefined ? (
          <Loading label="Loading the library…" />
        ) : library.length === 0 ? (
          <Empty title="No fleet scenarios on this server" />
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th>Scenario</th>
                <th>What it tests</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {library.map((ex) => (
                <tr key={ex.id}>
                  <td>
                    <strong>{ex.title}</strong>
                  </td>
                  <td className="faint">{ex.description}</td>
                  <td>
                    <button
                      type="button"
                      className="primary"
                      disabled={starting !== undefined}
                      aria-label={`Run ${ex.title}`}
                      onClick={() => void start(ex.id, ex.title)}
                    >
                      {starting === ex.id ? 'Running…' : '▶ Run'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-label="Runs">
        <h2>Runs</h2>
        {runs.error !== undefined && <ErrorView error={runs.error} />}
        {runs.loading && runs.data === undefined ? (
          <Loading label="Loading runs…" />
        ) : (runs.data ?? []).length === 0 ? (
          <Empty title="No runs yet">Run a scenario above: its verdict and scores appear here.</Empty>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th>Run</th>
                <th>State</th>
                <th>Verdict</th>
                <th className="num">Cases passed</th>
                <th className="num">Collisions</th>
              </tr>
            </thead>
            <tbody>
              {(runs.data ?? []).map(({ sim, kpis }) => (
                <RunRow key={sim.id} sim={sim} kpis={kpis} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function RunRow({ sim, kpis }: { sim: SimSummary; kpis: Readonly<Record<string, number>> | undefined }): ReactNode {
  return (
    <tr data-run={sim.id}>
      <td>
        <a href={routeHref({ view: 'fleet', simId: sim.id })}>{sim.name}</a>
        <div className="faint">{sim.id}</div>
      </td>
      <td>
        <span className={`state-pill ${sim.state}`}>{sim.state}</span>
      </td>
      <td>
        <VerdictBadge verdict={runVerdict(kpis)} />
      </td>
      <td className="num">{kpis === undefined ? '—' : `${kpis.cases_passed ?? 0} / ${kpis.cases ?? 0}`}</td>
      <td className="num">{kpis === undefined ? '—' : String(kpis.collisions ?? 0)}</td>
    </tr>
  );
}
