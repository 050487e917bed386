import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Experiment, ExperimentSummary } from '@doppel/client';
import { useApi } from '../../api/context.js';
import { useAsync, useInterval } from '../../api/hooks.js';
import { ErrorView, Loading } from '../../components/states.js';
import { navigate } from '../../lib/router.js';
import '../tests/tests.css';
import './experiments.css';
import {
  exampleScenarioPath,
  experimentText,
  resultsCsv,
  type DesignType,
  type ExperimentForm,
} from './experiment-doc.js';
import { FactorRows, NEW_FACTOR } from './factor-rows.js';
import { IntervalTable, number } from './interval-table.js';
import { IntervalChart } from './interval-chart.js';

const ACTIVE = new Set(['queued', 'running']);

function statusTag(experiment: ExperimentSummary): ReactNode {
  const { status, progress } = experiment;
  const cls = status === 'succeeded' ? 'verdict-approve' : status === 'failed' ? 'verdict-reject' : '';
  const count = ACTIVE.has(status) && progress.total > 0 ? ` ${progress.done}/${progress.total}` : '';
  return <span className={`tag ${cls}`}>{`${status}${count}`}</span>;
}

/** Experiments: the account's experiments with their state, a form that designs one, and each one's results. */
export function ExperimentsView({ experimentId }: { experimentId: string | undefined }): ReactNode {
  const api = useApi();
  const experiments = useAsync(() => api.listExperiments(), [api]);
  const list = experiments.data ?? [];
  useInterval(
    experiments.reload,
    1000,
    list.some((e) => ACTIVE.has(e.status)),
  );

  useEffect(() => {
    if (experimentId === undefined && experiments.data !== undefined) {
      navigate({ view: 'experiments', experimentId: experiments.data[0]?.id ?? 'new' });
    }
  }, [experimentId, experiments.data]);

  return (
    <div className="tests-layout">
      <nav className="tests-list panel" aria-label="Experiments">
        <div className="row">
          <h1 className="section-title">Experiments</h1>
          <span className="spacer" />
          <a className="button" href="#/experiments/new">
            + New experiment
          </a>
        </div>
        {experiments.loading && experiments.data === undefined && <Loading />}
        <ErrorView error={experiments.error} />
        {experiments.data !== undefined && list.length === 0 && <p className="muted">No experiments yet.</p>}
        <ul>
          {list.map((experiment) => (
            <li key={experiment.id}>
              <a
                href={`#/experiments/${encodeURIComponent(experiment.id)}`}
                aria-current={experiment.id === experimentId ? 'page' : undefined}
              >
                <span className="test-name">{experiment.name}</span>
                <span className="muted small">
                  {experiment.factors.length === 0 ? 'replications' : experiment.factors.join(', ')}
                </span>
                {statusTag(experiment)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="tests-main">
        {experimentId === 'new' && <NewExperiment onCreated={experiments.reload} />}
        {experimentId !== undefined && experimentId !== 'new' && (
          <ExperimentDetail key={experimentId} id={experimentId} onChanged={experiments.reload} />
        )}
      </div>
    </div>
  );
}

const DEFAULT_FORM: ExperimentForm = {
  name: 'demand',
  scenario: exampleScenarioPath('swap', 'city-10'),
  design: 'grid',
  points: 4,
  // A field that changes the outputs on its own: riders per hour at an average station.
  factors: [{ ...NEW_FACTOR, path: 'swap.demand.base_riders_per_hour', values: '1.5, 3', min: 1, max: 4 }],
  replications: 3,
  outputs: 'kpis.wait_mean_s',
  seed: 1,
};

const DESIGNS: readonly { readonly value: DesignType; readonly label: string }[] = [
  { value: 'grid', label: 'Grid (all combinations)' },
  { value: 'random', label: 'Random (draws over ranges)' },
  { value: 'latin_hypercube', label: 'Latin hypercube (ranges)' },
];

function NewExperiment({ onCreated }: { onCreated: () => void }): ReactNode {
  const api = useApi();
  const examples = useAsync(() => api.listExamples(), [api]);
  const [form, setForm] = useState<ExperimentForm>(DEFAULT_FORM);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const text = experimentText(form);
  const scenarios = (examples.data ?? []).filter((e) => e.format === 'file');
  const set = (fields: Partial<ExperimentForm>): void => setForm((f) => ({ ...f, ...fields }));

  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const created = await api.createExperiment(text);
      onCreated();
      navigate({ view: 'experiments', experimentId: created.id });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="experiment-form panel"
      aria-label="New experiment"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h2>New experiment</h2>
      <p className="muted">
        Replications of a scenario at points that set some of its fields, on common random numbers: replication i of
        every point rides the same random streams, so the differences between points are paired. The first point is the
        baseline.
      </p>
      <div className="form-grid">
        <label>
          Name
          <input value={form.name} onChange={(e) => set({ name: e.target.value })} required />
        </label>
        <label>
          Base scenario
          <select value={form.scenario} onChange={(e) => set({ scenario: e.target.value })}>
            {!scenarios.some((e) => exampleScenarioPath(e.pack, e.id) === form.scenario) && (
              <option value={form.scenario}>{form.scenario}</option>
            )}
            {scenarios.map((e) => (
              <option key={e.id} value={exampleScenarioPath(e.pack, e.id)}>
                {e.title} ({e.pack})
              </option>
            ))}
          </select>
        </label>
        <label>
          Design
          <select value={form.design} onChange={(e) => set({ design: e.target.value as DesignType })}>
            {DESIGNS.map((design) => (
              <option key={design.value} value={design.value}>
                {design.label}
              </option>
            ))}
          </select>
        </label>
        {form.design !== 'grid' && (
          <label>
            Points to draw
            <input
              type="number"
              min={1}
              value={form.points}
              onChange={(e) => set({ points: Number(e.target.value) })}
            />
          </label>
        )}
        <label>
          Replications per point
          <input
            type="number"
            min={1}
            value={form.replications}
            onChange={(e) => set({ replications: Number(e.target.value) })}
          />
        </label>
        <label>
          Outputs (comma-separated)
          <input value={form.outputs} onChange={(e) => set({ outputs: e.target.value })} />
        </label>
        <label>
          Seed
          <input type="number" value={form.seed} onChange={(e) => set({ seed: Number(e.target.value) })} />
        </label>
      </div>
      <FactorRows factors={form.factors} sampled={form.design !== 'grid'} onChange={(factors) => set({ factors })} />
      <h3 className="section-title">Experiment text</h3>
      <pre className="experiment-text" data-testid="experiment-text">
        {text}
      </pre>
      <ErrorView error={examples.error} />
      <ErrorView error={error} title="Cannot run the experiment" />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Queueing…' : 'Run experiment'}
      </button>
    </form>
  );
}

function ExperimentDetail({ id, onChanged }: { id: string; onChanged: () => void }): ReactNode {
  const api = useApi();
  const experiment = useAsync(() => api.getExperiment(id), [api, id]);
  const [actionError, setActionError] = useState<unknown>();
  const data = experiment.data;
  const active = data !== undefined && ACTIVE.has(data.status);
  useInterval(
    async () => {
      experiment.reload();
      if (data !== undefined && !ACTIVE.has((await api.getExperiment(id)).status)) onChanged();
    },
    500,
    active,
  );
  if (experiment.error !== undefined) return <ErrorView error={experiment.error} />;
  if (data === undefined) return <Loading />;

  const act = async (work: () => Promise<unknown>): Promise<void> => {
    setActionError(undefined);
    try {
      await work();
      experiment.reload();
      onChanged();
    } catch (e) {
      setActionError(e);
    }
  };
  const { progress } = data;
  return (
    <section className="experiment-detail" aria-label={`Experiment ${data.name}`}>
      <div className="row">
        <h2>{data.name}</h2>
        {statusTag(data)}
        <span className="spacer" />
        {active && (
          <button type="button" onClick={() => void act(() => api.cancelExperiment(id))}>
            Cancel
          </button>
        )}
        <button
          type="button"
          onClick={() =>
            void act(async () => {
              await api.deleteExperiment(id);
              navigate({ view: 'experiments' });
            })
          }
        >
          Delete
        </button>
      </div>
      <p className="muted small">
        {data.factors.length === 0 ? 'No factor' : `Varies ${data.factors.join(', ')}`} · outputs{' '}
        {data.outputs.join(', ')} · {Math.round(data.confidence * 100)}% intervals
      </p>
      <div className="row">
        <label htmlFor="experiment-progress">Replications</label>
        <progress id="experiment-progress" max={Math.max(progress.total, 1)} value={progress.done} />
        <span data-testid="experiment-progress">
          {progress.done} / {progress.total}
          {progress.cached > 0 ? ` (${progress.cached} from the cache)` : ''}
        </span>
      </div>
      {data.error !== null && <p role="alert">{data.error}</p>}
      <ErrorView error={actionError} />
      {data.results !== null && <Results experiment={data} />}
    </section>
  );
}

function Results({ experiment }: { experiment: Experiment }): ReactNode {
  const results = experiment.results!;
  const csvHref = useMemo(
    () => `data:text/csv;charset=utf-8,${encodeURIComponent(resultsCsv(experiment))}`,
    [experiment],
  );
  const labelOf = (index: number): string => results.points.find((p) => p.index === index)?.label ?? String(index);
  /** The factor values alone: what tells the points apart under a chart, where the full label does not fit. */
  const valuesOf = (index: number): string => {
    const settings = results.points.find((p) => p.index === index)?.settings ?? {};
    const values = Object.values(settings).map(String);
    return values.length === 0 ? labelOf(index) : values.join(' · ');
  };
  return (
    <>
      <div className="row">
        <h3 className="section-title">Results</h3>
        <span className="muted small">
          {results.replicationsPerPoint} replications per point
          {results.cacheHits > 0 ? `, ${results.cacheHits} from the cache` : ''}
        </span>
        <span className="spacer" />
        <a className="button" href={csvHref} download={`${experiment.name}-results.csv`}>
          Download results (CSV)
        </a>
      </div>
      <div className="experiment-charts">
        {experiment.outputs.map((output) => (
          <IntervalChart
            key={output}
            title={output}
            points={results.estimates
              .filter((row) => row.output === output)
              .map((row) => ({ label: valuesOf(row.pointIndex), mean: row.mean, low: row.ciLow, high: row.ciHigh }))}
          />
        ))}
      </div>
      <IntervalTable label="Estimates" meanLabel="Mean" rows={results.estimates} labelOf={labelOf} />
      {results.deltas.length > 0 && (
        <IntervalTable
          label="Paired differences against the baseline"
          caption="Each point minus the baseline, paired on common random numbers"
          meanLabel="Δ mean"
          rows={results.deltas}
          labelOf={labelOf}
          extra={{
            title: 'Variance reduction',
            cell: (row) =>
              'varianceReduction' in row && row.varianceReduction !== null ? `×${number(row.varianceReduction)}` : '–',
          }}
        />
      )}
    </>
  );
}
