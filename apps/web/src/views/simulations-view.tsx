import { useState, type ReactNode } from 'react';
import { useApi } from '../api/context.js';
import { useAsync, useInterval } from '../api/hooks.js';
import type { SimSummary } from '../api/types.js';
import { Empty, ErrorView, Loading } from '../components/states.js';
import { displayClock } from '../lib/clock-time.js';
import { navigate, routeHref, viewOfPack } from '../lib/router.js';

export function openSim(s: SimSummary): void {
  navigate({ view: viewOfPack(s.pack), simId: s.id });
}

/** Every simulation of the account: open, compare a branch with its parent, delete; create from examples. */
export function SimulationsView(): ReactNode {
  const api = useApi();
  const sims = useAsync(() => api.listSimulations(), [api]);
  const examples = useAsync(() => api.listExamples(), [api]);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();
  useInterval(
    () => sims.reload(),
    3000,
    (sims.data ?? []).some((s) => s.state === 'running'),
  );

  const create = async (example: string, title: string): Promise<void> => {
    setBusy(example);
    setError(undefined);
    try {
      const s = await api.createSimulation({ example, name: title });
      openSim(s);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };
  const remove = async (s: SimSummary): Promise<void> => {
    if (!window.confirm(`Delete ${s.name}? Its ledger goes too.`)) return;
    try {
      await api.deleteSimulation(s.id);
      sims.reload();
    } catch (e) {
      setError(e);
    }
  };
  const list = [...(sims.data ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const byId = new Map(list.map((s) => [s.id, s]));
  return (
    <div className="page">
      <div className="page-head">
        <h1>Simulations</h1>
        <span className="spacer" />
        <a className="button primary" href="#/new">
          New simulation
        </a>
      </div>
      {error !== undefined && <ErrorView error={error} />}
      <section className="panel" aria-label="Simulations">
        {sims.error !== undefined && <ErrorView error={sims.error} />}
        {sims.loading && sims.data === undefined ? (
          <Loading />
        ) : list.length === 0 ? (
          <Empty title="No simulations yet">Create one from an example above.</Empty>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th>Name</th>
                <th>Pack</th>
                <th>State</th>
                <th>Sim clock</th>
                <th>Branch of</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((s) => {
                const c = displayClock(s, s.simTime);
                const parent = s.parentId === null ? undefined : byId.get(s.parentId);
                return (
                  <tr key={s.id}>
                    <td>
                      <a href={routeHref({ view: viewOfPack(s.pack), simId: s.id })}>{s.name}</a>
                      <div className="faint">{s.id}</div>
                    </td>
                    <td>{s.pack}</td>
                    <td>
                      <span className={`state-pill ${s.state}`}>{s.state}</span>
                    </td>
                    <td className="num">
                      {c.date} {c.time}
                    </td>
                    <td>{s.parentId === null ? <span className="faint">—</span> : (parent?.name ?? s.parentId)}</td>
                    <td>
                      <div className="row">
                        <button type="button" onClick={() => openSim(s)} aria-label={`Open ${s.name}`}>
                          Open
                        </button>
                        {s.parentId !== null && (
                          <button
                            type="button"
                            onClick={() => navigate({ view: 'compare', a: s.parentId ?? '', b: s.id })}
                            aria-label={`Compare ${s.name} with its parent`}
                          >
                            Compare
                          </button>
                        )}
                        <button
                          type="button"
                          className="danger"
                          onClick={() => void remove(s)}
                          aria-label={`Delete ${s.name}`}
                        >
                          Delete
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-label="Start from an example">
        <h3>Start from an example</h3>
        {examples.error !== undefined && <ErrorView error={examples.error} />}
        {examples.loading && examples.data === undefined && <Loading />}
        <div className="example-grid">
          {(examples.data ?? []).map((ex) => (
            <div key={ex.id} className="example-card">
              <div className="row">
                <strong>{ex.title}</strong>
                <span className="tag">{ex.pack}</span>
              </div>
              {ex.description !== undefined && <p className="faint">{ex.description}</p>}
              <button type="button" disabled={busy !== undefined} onClick={() => void create(ex.id, ex.title)}>
                {busy === ex.id ? 'Creating…' : `Create from ${ex.title}`}
              </button>
            </div>
          ))}
        </div>
      </section>
    </div>
  );
}
