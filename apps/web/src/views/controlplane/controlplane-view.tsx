import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useApi } from '../../api/context.js';
import { useAsync } from '../../api/hooks.js';
import type { AssetView } from '../../api/types.js';
import { Empty, ErrorView, Loading } from '../../components/states.js';
import type { SliderPin } from '../../components/time-slider.js';
import { TransportBar } from '../../components/transport-bar.js';
import { clockLabel } from '../../lib/clock-time.js';
import { navigate } from '../../lib/router.js';
import type { SimSession } from '../../state/use-sim.js';
import { generationsAt, WRITE_EVENT } from './applied-generations.js';
import { buildLanes, EnactorLanes, LANE_EVENTS } from './enactor-lanes.js';
import { ReplayPanel } from './replay-panel.js';
import { firstViolationKey, ruleViolations, type RuleViolation } from './replay-tests.js';
import './controlplane.css';

/** The timeline shows this much before the instant shown (and a little after): enough for a plan's whole story. */
const WINDOW_BEFORE_S = 20 * 60;
const WINDOW_AFTER_S = 2 * 60;
/** Endpoints listed besides the empty ones (which are all listed, first). */
const ANSWERING_SHOWN = 40;
/**
 * Change batches read back from the instant shown for the generations then: every plan writes every record set in
 * a few dozen batches, so this reaches back over many plans (and over an Enactor stuck for a while).
 */
const WRITES_LOOKED_BACK = 2000;

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

/** Each violation a slider mark (the slider groups those too close to tell apart into one mark with a count). */
function violationMarks(violations: readonly RuleViolation[], clock: (t: number) => string): SliderPin[] {
  return violations.map(({ key, rule, violation }) => ({
    id: key,
    time: violation.simTime,
    label: `${rule.id} on ${shortName(violation.assetId)} at ${clock(violation.simTime)}`,
    kind: 'violation',
  }));
}

/** An endpoint's short name (its first label): the zone's domain is the same for all. */
const shortName = (id: string): string => id.split('.')[0];

const indexOf = (a: AssetView): number => Number(a.state.index ?? -1);

/**
 * The endpoints listed (empty first) with the plan generation each answered from at the instant shown: the live
 * KPI at the head, the change batches read back from the ledger in the past.
 */
function EndpointTable({
  endpoints,
  historical,
  pastGenerations,
}: {
  endpoints: readonly AssetView[];
  historical: boolean;
  pastGenerations: (indexes: readonly number[]) => ReadonlyMap<number, number> | undefined;
}): ReactNode {
  const count = (a: AssetView): number => Number(a.state.record_count ?? 0);
  const empty = endpoints.filter((a) => count(a) === 0);
  const answering = endpoints.filter((a) => count(a) > 0);
  const shown = [...empty, ...answering.slice(0, ANSWERING_SHOWN)];
  const past = historical ? pastGenerations(shown.map(indexOf)) : undefined;
  const generationOf = (a: AssetView): number | undefined =>
    historical ? past?.get(indexOf(a)) : a.kpis?.applied_generation;
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
            const generation = generationOf(a);
            return (
              <tr key={a.id} className={isEmpty ? 'cp-empty-row' : undefined}>
                <td>
                  {isEmpty && <span className="cp-fail">✘ empty </span>}
                  <span title={String(a.state.name ?? a.id)}>{shortName(a.id)}</span>
                </td>
                <td className="num" title={generation === undefined ? 'Not written since the capture' : undefined}>
                  {generation ?? '—'}
                </td>
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
    </section>
  );
}

function ViolationDetail({
  shown: { rule, violation: first },
  clock,
}: {
  shown: RuleViolation;
  clock: (t: number) => string;
}): ReactNode {
  const kept = rule.kept?.length ?? 1;
  const index = rule.kept?.indexOf(first) ?? 0;
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
        ; {rule.violations} violation{rule.violations === 1 ? '' : 's'} in all
        {rule.violations > 1 && (
          <span data-testid="cp-violation-index">
            , this one the {ordinal(index + 1)}
            {kept < rule.violations ? ` (the first ${kept} are kept with their records)` : ''}
          </span>
        )}
        .
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

const ordinal = (n: number): string =>
  `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`;

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
  // In the past, the plan each endpoint answered from is read back from the change batches before the instant.
  const writes = useAsync(
    () =>
      sim === undefined || !session.historical
        ? Promise.resolve([])
        : api.ledger(sim.id, { eventTypes: [WRITE_EVENT], toTime: shown, limit: WRITES_LOOKED_BACK, order: 'desc' }),
    [api, sim?.id, session.historical, shown],
  );
  const pastGenerations = useCallback(
    (indexes: readonly number[]) => (writes.loading ? undefined : generationsAt(writes.data ?? [], indexes)),
    [writes.loading, writes.data],
  );
  const lanes = useMemo(() => buildLanes(ledger.data ?? [], from, to), [ledger.data, from, to]);
  const violations = useMemo(() => (run.data?.result == null ? [] : ruleViolations(run.data.result)), [run.data]);
  const { setViewTime } = session;
  const pick = useCallback(
    (key: string): void => {
      const found = violations.find((v) => v.key === key);
      if (found === undefined) return;
      setSelected(key);
      setViewTime(found.violation.simTime);
    },
    [violations, setViewTime],
  );
  // A replay opens at its first violation, with what led to it shown.
  const first = violations[0];
  const headKnown = sim !== undefined && first !== undefined && sim.simTime > first.violation.simTime;
  useEffect(() => {
    if (selected === null && first !== undefined && headKnown) pick(first.key);
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
  const marks = violationMarks(violations, clock);
  const shownViolation = violations.find((v) => v.key === selected);
  const selectedRule = shownViolation?.rule.id;
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
                        className={selectedRule === rule.id ? 'cp-rule-button selected' : 'cp-rule-button'}
                        aria-pressed={selectedRule === rule.id}
                        onClick={() => pick(firstViolationKey(rule))}
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
          {shownViolation !== undefined && <ViolationDetail shown={shownViolation} clock={clock} />}
        </div>
        <div className="cp-side" tabIndex={0} role="region" aria-label="Endpoints">
          {session.assets === undefined ? (
            <Loading label="Loading the endpoints…" />
          ) : (
            <EndpointTable endpoints={endpoints} historical={session.historical} pastGenerations={pastGenerations} />
          )}
        </div>
      </div>
      <TransportBar
        session={session}
        marks={marks}
        onMark={(mark) => pick(mark.id)}
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
