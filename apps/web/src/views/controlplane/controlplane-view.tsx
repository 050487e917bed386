import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { RuleResult } from '@doppel/client';
import { useApi } from '../../api/context.js';
import { useAsync } from '../../api/hooks.js';
import type { AssetView } from '../../api/types.js';
import { Empty, ErrorView, Loading } from '../../components/states.js';
import type { SliderPin } from '../../components/time-slider.js';
import { TransportBar } from '../../components/transport-bar.js';
import { clockLabel } from '../../lib/clock-time.js';
import { navigate } from '../../lib/router.js';
import type { SimSession } from '../../state/use-sim.js';
import { buildLanes, EnactorLanes, LANE_EVENTS } from './enactor-lanes.js';
import { ReplayPanel } from './replay-panel.js';
import { violatedRules } from './replay-tests.js';
import './controlplane.css';

/** The timeline shows this much before the instant shown (and a little after): enough for a plan's whole story. */
const WINDOW_BEFORE_S = 20 * 60;
const WINDOW_AFTER_S = 2 * 60;
/** Endpoints listed besides the empty ones (which are all listed, first). */
const ANSWERING_SHOWN = 40;

/**
 * Control plane (seed 003): the replay of a captured day with each Enactor version and their verdicts side by side;
 * a replay opened as a simulation shows its endpoints (empty record sets first), a lane per Enactor around the
 * instant shown, and the rule violations as marks on the time slider, each with the ledger records that led to it.
 */
export function ControlPlaneView({
  simId,
  session,
  runId,
}: {
  simId: string | undefined;
  session: SimSession;
  runId: string | undefined;
}): ReactNode {
  if (simId === undefined) {
    return (
      <div className="page cp-page">
        <div className="page-head">
          <h1>Control plane</h1>
          <span className="muted">
            Replay a captured region against an Enactor version before it reaches production.
          </span>
        </div>
        <ReplayPanel />
      </div>
    );
  }
  return <ControlPlaneSim session={session} runId={runId} />;
}

/**
 * The violations as slider marks: those within a minute of each other share one mark (drawn on top of each other
 * they could not be told apart or clicked), named after all of them; a click picks the earliest.
 */
function violationMarks(violated: readonly RuleResult[], clock: (t: number) => string): SliderPin[] {
  const groups: RuleResult[][] = [];
  for (const rule of violated) {
    const last = groups[groups.length - 1];
    const t = rule.first?.simTime ?? 0;
    if (last !== undefined && t - (last[0].first?.simTime ?? 0) < 60) last.push(rule);
    else groups.push([rule]);
  }
  return groups.map((group) => {
    const t = group[0].first?.simTime ?? 0;
    return {
      id: group.map((r) => r.id).join(' '),
      time: t,
      label: `${group.map((r) => r.id).join(', ')} at ${clock(t)}`,
      kind: 'violation',
    };
  });
}

/** An endpoint's short name (its first label): the zone's domain is the same for all. */
const shortName = (id: string): string => id.split('.')[0];

function EndpointTable({ endpoints, historical }: { endpoints: readonly AssetView[]; historical: boolean }): ReactNode {
  const count = (a: AssetView): number => Number(a.state.record_count ?? 0);
  const empty = endpoints.filter((a) => count(a) === 0);
  const answering = endpoints.filter((a) => count(a) > 0);
  const shown = [...empty, ...answering.slice(0, ANSWERING_SHOWN)];
  return (
    <section className="panel cp-endpoints" aria-labelledby="cp-endpoints-title">
      <h2 id="cp-endpoints-title" className="section-title">
        Endpoints{' '}
        <span className={empty.length > 0 ? 'cp-fail' : 'cp-pass'} data-testid="empty-count">
          {empty.length > 0 ? `✘ ${empty.length} empty` : '✔ none empty'}
        </span>{' '}
        <span className="faint">of {endpoints.length}</span>
      </h2>
      <table className="data compact" aria-label="Endpoints, empty record sets first">
        <thead>
          <tr>
            <th scope="col">Endpoint</th>
            <th scope="col" className="num">
              Applied plan
            </th>
            <th scope="col" className="num">
              Records
            </th>
            <th scope="col" className="num">
              Regressions
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((a) => {
            const isEmpty = count(a) === 0;
            const generation = a.kpis?.applied_generation;
            return (
              <tr key={a.id} className={isEmpty ? 'cp-empty-row' : undefined}>
                <td>
                  {isEmpty && <span className="cp-fail">✘ empty </span>}
                  <span title={String(a.state.name ?? a.id)}>{shortName(a.id)}</span>
                </td>
                <td className="num">{generation === undefined || historical ? '—' : generation}</td>
                <td className="num">{count(a)}</td>
                <td className="num">{Number(a.state.regressions ?? 0)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {answering.length > ANSWERING_SHOWN && (
        <p className="faint">and {answering.length - ANSWERING_SHOWN} more answering endpoints</p>
      )}
      {historical && <p className="faint">Applied plans are shown at the live head only.</p>}
    </section>
  );
}

function ViolationDetail({ rule, clock }: { rule: RuleResult; clock: (t: number) => string }): ReactNode {
  const first = rule.first;
  if (first === null) return null;
  return (
    <section className="panel cp-violation" aria-labelledby="cp-violation-title">
      <h2 id="cp-violation-title" className="section-title">
        <span className="cp-fail">✘ {rule.id}</span> at {clock(first.simTime)} on {first.assetId}
      </h2>
      <p>{first.message}</p>
      <p className="faint">
        <code>{rule.condition}</code> was false with{' '}
        {Object.entries(first.inputs)
          .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
          .join(', ')}
        ; {rule.violations} violation{rule.violations === 1 ? '' : 's'} in all.
      </p>
      <h3 className="section-title">What led to it</h3>
      <table className="data compact" aria-label={`Ledger records before the violation of ${rule.id}`}>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Asset</th>
            <th scope="col">Event</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {first.ledger.map((r) => (
            <tr key={r.seq} className={r.seq === first.seq ? 'cp-empty-row' : undefined}>
              <td className="num">{clock(r.simTime)}</td>
              <td>{r.assetId}</td>
              <td>
                <code>{r.eventType}</code>
              </td>
              <td className="cp-details">{JSON.stringify(r.meta ?? r.newValue)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ControlPlaneSim({ session, runId }: { session: SimSession; runId: string | undefined }): ReactNode {
  const api = useApi();
  const { sim } = session;
  const run = useAsync(() => (runId === undefined ? Promise.resolve(undefined) : api.testRun(runId)), [api, runId]);
  const [selected, setSelected] = useState<string | null>(null);
  const shown = session.viewTime ?? sim?.simTime ?? 0;
  const from = Math.max(0, shown - WINDOW_BEFORE_S);
  const to = Math.min(sim?.durationS ?? shown, shown + WINDOW_AFTER_S);
  const ledger = useAsync(
    () =>
      sim === undefined
        ? Promise.resolve([])
        : api.ledger(sim.id, { eventTypes: [...LANE_EVENTS], fromTime: from, toTime: to, limit: 5000, order: 'asc' }),
    [api, sim?.id, sim?.headSeq, from, to],
  );
  const lanes = useMemo(() => buildLanes(ledger.data ?? [], from, to), [ledger.data, from, to]);
  const violated = useMemo(() => (run.data?.result == null ? [] : violatedRules(run.data.result)), [run.data]);
  const { setViewTime } = session;
  const pick = useCallback(
    (rule: RuleResult): void => {
      setSelected(rule.id);
      if (rule.first !== null) setViewTime(rule.first.simTime);
    },
    [setViewTime],
  );
  // A replay opens at its first violation, with what led to it shown.
  const first = violated[0];
  const headKnown = sim !== undefined && first?.first != null && sim.simTime > first.first.simTime;
  useEffect(() => {
    if (selected === null && first !== undefined && headKnown) pick(first);
  }, [selected, first, headKnown, pick]);

  if (session.error !== undefined && sim === undefined)
    return (
      <div className="page">
        <ErrorView error={session.error} title="Cannot open the simulation" />
      </div>
    );
  if (sim === undefined) return <Loading label="Opening the replay…" />;
  if (sim.pack !== 'controlplane') {
    return (
      <div className="page">
        <Empty title={`${sim.name} is a ${sim.pack} simulation`}>
          <a href="#/controlplane">Replay a control plane instead</a>
        </Empty>
      </div>
    );
  }
  const clock = (t: number): string => clockLabel(sim, t).replace(/^.* /, '');
  const endpoints = (session.assets ?? []).filter((a) => a.kind === 'endpoint');
  const marks = violationMarks(violated, clock);
  const selectedRule = violated.find((r) => r.id === selected);
  const verdict = run.data?.verdict;
  return (
    <div className="sim-frame">
      <div className="sim-body cp-body">
        {/* Each column scrolls on its own: focusable, so the keyboard can scroll it too. */}
        <div className="cp-main" tabIndex={0} role="region" aria-label="Verdict and Enactor timeline">
          <div className="page-head">
            <h1>Control plane</h1>
            {verdict !== undefined && verdict !== null && (
              <span
                className={`tag ${verdict === 'APPROVE' ? 'verdict-approve' : 'verdict-reject'}`}
                data-testid="cp-verdict"
              >
                {verdict === 'APPROVE' ? '✔ APPROVE' : '✘ REJECT'}
              </span>
            )}
            <span className="muted">{sim.name}</span>
            <span className="spacer" />
            <a href="#/controlplane">Back to the replays</a>
          </div>
          <ErrorView error={run.error} title="Cannot read the replay's verdict" />
          {run.data?.result != null && (
            <section className="panel" aria-labelledby="cp-rules-title">
              <h2 id="cp-rules-title" className="section-title">
                Rules
              </h2>
              <ul className="cp-rules" aria-label="Rule verdicts">
                {(run.data.result.replications[0]?.rules ?? []).map((rule) => (
                  <li key={rule.id}>
                    {rule.first === null ? (
                      <span className="cp-pass">✔ {rule.id}</span>
                    ) : (
                      <button
                        type="button"
                        className={selected === rule.id ? 'cp-rule-button selected' : 'cp-rule-button'}
                        aria-pressed={selected === rule.id}
                        onClick={() => pick(rule)}
                      >
                        ✘ {rule.id} at {clock(rule.first.simTime)}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section className="panel" aria-labelledby="cp-lanes-title">
            <h2 id="cp-lanes-title" className="section-title">
              Enactors from {clock(from)} to {clock(to)}{' '}
              <span className="faint">
                (apply <span className="key key-apply" />, clean-up <span className="key key-cleanup" />, stalled{' '}
                <span className="key key-stall" />, stuck ◆, active plan deleted ✕)
              </span>
            </h2>
            <ErrorView error={ledger.error} />
            <EnactorLanes
              lanes={lanes}
              from={from}
              to={to}
              at={shown}
              clock={clock}
              violations={marks.map((m) => ({ id: m.id, t: m.time, label: m.label }))}
            />
          </section>
          {selectedRule !== undefined && <ViolationDetail rule={selectedRule} clock={clock} />}
        </div>
        <div className="cp-side" tabIndex={0} role="region" aria-label="Endpoints">
          {session.assets === undefined ? (
            <Loading label="Loading the endpoints…" />
          ) : (
            <EndpointTable endpoints={endpoints} historical={session.historical} />
          )}
        </div>
      </div>
      <TransportBar
        session={session}
        marks={marks}
        onMark={(mark) => {
          const rule = violated.find((r) => r.id === mark.id.split(' ')[0]);
          if (rule !== undefined) pick(rule);
        }}
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
