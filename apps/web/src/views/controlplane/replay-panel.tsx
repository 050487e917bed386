import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ScenarioTest, TestResult, TestRun } from '@doppel/client';
import { useApi } from '../../api/context.js';
import { useAsync, useInterval } from '../../api/hooks.js';
import { Empty, ErrorView, Loading } from '../../components/states.js';
import { simClock } from '../../lib/format.js';
import { navigate } from '../../lib/router.js';
import {
  ENACTOR_VERSIONS,
  assertedKpi,
  REPLAY_EXAMPLE_ID,
  replayPlan,
  replayTestName,
  replayTestYaml,
  shownReplication,
  violatedRules,
  type EnactorVersion,
} from './replay-tests.js';

type Runs = Partial<Record<EnactorVersion, TestRun>>;

const VERSION_NOTE: Record<EnactorVersion, string> = {
  legacy: 'as in production: one staleness check, age-based clean-up',
  guarded: 'the change: staleness per endpoint, never deletes a referenced plan',
};

const clock = (result: TestResult, t: number): string => simClock(result.start, t, result.timezone).time.slice(0, 5);

function finished(run: TestRun | undefined): boolean {
  return run !== undefined && run.status !== 'queued' && run.status !== 'running';
}

/**
 * The replay of the captured day with each Enactor version (a scenario test per version on the server), and the two
 * verdicts side by side: every rule with its first violation, the safety KPI and the latency against its baseline.
 */
export function ReplayPanel(): ReactNode {
  const api = useApi();
  const examples = useAsync(() => api.exampleTests(), [api]);
  const exampleText = examples.data?.find((t) => t.id === REPLAY_EXAMPLE_ID)?.yaml;
  if (examples.error !== undefined) return <ErrorView error={examples.error} title="Cannot read the example tests" />;
  if (examples.loading && exampleText === undefined) return <Loading label="Reading the example test…" />;
  if (exampleText === undefined)
    return (
      <Empty title="No control-plane example on this server">
        <p>
          The replay runs the example test <code>{REPLAY_EXAMPLE_ID}</code>, which this server&apos;s examples folder
          lacks.
        </p>
      </Empty>
    );
  return <Replays exampleText={exampleText} />;
}

function Replays({ exampleText }: { exampleText: string }): ReactNode {
  const api = useApi();
  const plan = useMemo(() => replayPlan(exampleText), [exampleText]);
  const [runs, setRuns] = useState<Runs>({});
  const [error, setError] = useState<unknown>();
  const [starting, setStarting] = useState(false);
  const [opening, setOpening] = useState<string | null>(null);

  // The last runs of both versions, if this account replayed before.
  useEffect(() => {
    let live = true;
    api.listTests().then(
      async (tests) => {
        const found: Runs = {};
        for (const version of ENACTOR_VERSIONS) {
          const last = tests.find((t) => t.name === replayTestName(version))?.lastRun;
          if (last !== undefined && last !== null) found[version] = await api.testRun(last.id);
        }
        if (live) setRuns(found);
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const active = ENACTOR_VERSIONS.some((v) => runs[v] !== undefined && !finished(runs[v]));
  const poll = useCallback(async () => {
    const next: Runs = { ...runs };
    for (const version of ENACTOR_VERSIONS) {
      const run = runs[version];
      if (run !== undefined && !finished(run)) next[version] = await api.testRun(run.id);
    }
    setRuns(next);
  }, [api, runs]);
  useInterval(poll, 1000, active);

  const replay = async (): Promise<void> => {
    setStarting(true);
    setError(undefined);
    try {
      const tests: ScenarioTest[] = await api.listTests();
      const started: Runs = {};
      for (const version of ENACTOR_VERSIONS) {
        const yaml = replayTestYaml(exampleText, version);
        const stored = tests.find((t) => t.name === replayTestName(version));
        const test = stored === undefined ? await api.createTest(yaml) : await api.updateTest(stored.id, yaml);
        started[version] = await api.testRun((await api.runTest(test.id)).id);
      }
      setRuns(started);
    } catch (e) {
      setError(e);
    } finally {
      setStarting(false);
    }
  };

  /** Opens a replay recorded to the end of its day, so the time slider reaches every violation. */
  const open = async (version: EnactorVersion, run: TestRun, t: number): Promise<void> => {
    setOpening(version);
    setError(undefined);
    try {
      const sim = await api.openTestRun(run.id, t);
      navigate({ view: 'controlplane', simId: sim.id, runId: run.id });
    } catch (e) {
      setError(e);
    } finally {
      setOpening(null);
    }
  };

  const results = ENACTOR_VERSIONS.map((v) => ({ version: v, run: runs[v], result: runs[v]?.result ?? null }));
  const done = results.every((r) => r.result !== null);
  return (
    <>
      <section className="panel" aria-labelledby="cp-replay-title">
        <h2 id="cp-replay-title" className="section-title">
          Replay the captured day
        </h2>
        <p>
          The captured region&apos;s day replays through the twin once per Enactor version, with the same capture, the
          same events and the same stall; the rules of the example test decide APPROVE or REJECT.
        </p>
        <dl className="cp-facts">
          <dt>Capture and events</dt>
          <dd>
            <code>{plan.scenarioFile.replace(/^(\.\.\/)+/, '')}</code> (Route 53 and DynamoDB captures, the last 24 h of
            control-plane events)
          </dd>
          <dt>Steps</dt>
          <dd>
            <ol className="cp-steps">
              {plan.steps.map((step, i) => (
                <li key={i}>{step}</li>
              ))}
            </ol>
          </dd>
          <dt>Rules</dt>
          <dd>
            {plan.rules.map((rule, i) => (
              <span key={rule.id} title={rule.message}>
                {i > 0 && ', '}
                <code>{rule.id}</code>
              </span>
            ))}
          </dd>
          <dt>Enactor versions</dt>
          <dd>
            <ul className="cp-steps">
              {ENACTOR_VERSIONS.map((v) => (
                <li key={v}>
                  <strong>{v}</strong>: {VERSION_NOTE[v]}
                </li>
              ))}
            </ul>
          </dd>
        </dl>
        <div className="row">
          <button type="button" className="primary" disabled={starting || active} onClick={() => void replay()}>
            {starting ? 'Starting…' : active ? 'Replaying…' : '▶ Replay with both Enactors'}
          </button>
          {results.map(({ version, run }) =>
            run !== undefined && !finished(run) ? (
              <span key={version} className="muted" role="status">
                {version}: {run.status === 'queued' ? 'queued' : 'replaying'}{' '}
                <progress
                  max={Math.max(1, run.progress.total)}
                  value={run.progress.done}
                  aria-label={`${version} replay`}
                />
              </span>
            ) : null,
          )}
        </div>
        <ErrorView error={error} title="Cannot replay" />
      </section>
      {results.some((r) => r.result !== null) && (
        <section className="panel" aria-labelledby="cp-compare-title">
          <h2 id="cp-compare-title" className="section-title">
            Legacy against guarded {done ? '' : '(one replay still running)'}
          </h2>
          <table className="data cp-compare" aria-label="Rule verdicts by Enactor version">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                {results.map(({ version, run }) => (
                  <th key={version} scope="col">
                    {version}{' '}
                    {run?.verdict !== null && run?.verdict !== undefined && (
                      <span
                        className={`tag ${run.verdict === 'APPROVE' ? 'verdict-approve' : 'verdict-reject'}`}
                        data-testid={`verdict-${version}`}
                      >
                        {run.verdict === 'APPROVE' ? '✔ APPROVE' : '✘ REJECT'}
                      </span>
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {plan.rules.map((rule) => (
                <tr key={rule.id}>
                  <th scope="row" title={rule.message}>
                    <code>{rule.id}</code>
                  </th>
                  {results.map(({ version, result }) => {
                    const r =
                      result === null ? undefined : shownReplication(result)?.rules.find((x) => x.id === rule.id);
                    return (
                      <td key={version}>
                        {r === undefined ? (
                          '—'
                        ) : r.first === null ? (
                          <span className="cp-pass">✔ held</span>
                        ) : (
                          <span className="cp-fail">
                            ✘ {r.violations} violation{r.violations === 1 ? '' : 's'}, first at{' '}
                            {clock(result as TestResult, r.first.simTime)} on {r.first.assetId}
                          </span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
              <tr>
                <th scope="row">
                  Empty record <span className="faint">(s × endpoints, 0 to approve)</span>
                </th>
                {results.map(({ version, result }) => {
                  const v = result === null ? undefined : assertedKpi(result, 'empty_record_endpoint_seconds');
                  return (
                    <td key={version} className="num" data-testid={`empty-seconds-${version}`}>
                      {v === undefined ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 0 })}
                    </td>
                  );
                })}
              </tr>
              {['plan_to_insync_p50', 'plan_to_insync_p99'].map((name) => (
                <tr key={name}>
                  <th scope="row">
                    {name.replaceAll('_', ' ')} <span className="faint">(s, baseline × 1.1)</span>
                  </th>
                  {results.map(({ version, result }) => {
                    const b = result?.baseline.find((x) => x.name === name);
                    return (
                      <td key={version} className="num">
                        {b === undefined
                          ? '—'
                          : `${b.status === 'passed' ? '✔' : '✘'} ${b.actual.toFixed(1)} (${b.baseline.toFixed(1)})`}
                      </td>
                    );
                  })}
                </tr>
              ))}
              <tr>
                <th scope="row">Replay</th>
                {results.map(({ version, run, result }) => {
                  const first = result === null ? undefined : violatedRules(result)[0]?.first;
                  return (
                    <td key={version}>
                      {run !== undefined && result !== null && (
                        <button
                          type="button"
                          disabled={opening !== null}
                          onClick={() => void open(version, run, shownReplication(result)?.endS ?? 0)}
                        >
                          {opening === version
                            ? 'Opening…'
                            : first === undefined || first === null
                              ? `Open the ${version} replay`
                              : `Open the ${version} replay at ${clock(result, first.simTime)}`}
                        </button>
                      )}
                    </td>
                  );
                })}
              </tr>
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
