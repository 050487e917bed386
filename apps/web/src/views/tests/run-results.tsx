import { useState, type ReactNode } from 'react';
import type { ReplicationResult, TestResult, TestRun } from '@doppel/client';
import { useApi } from '../../api/context.js';
import { ErrorView } from '../../components/states.js';
import { simClock } from '../../lib/format.js';
import { navigate, viewOfPack } from '../../lib/router.js';

const VIEW_TITLE = { city: 'City', line: 'Line', fleet: 'Fleet' } as const;

const ICON = { passed: '✔', failed: '✘', skipped: '–' } as const;

function clockOf(result: Pick<TestResult, 'start' | 'timezone'>, t: number): string {
  return simClock(result.start, t, result.timezone).time.slice(0, 5);
}

/** The replication a report details: the first that failed, else the first (as the HTML report). */
function shownReplication(result: TestResult): ReplicationResult | undefined {
  return result.replications.find((r) => r.status === 'failed') ?? result.replications[0];
}

/** Something that failed at an instant, to open the simulation there. */
interface Mark {
  readonly key: string;
  readonly label: string;
  readonly t: number;
  readonly assetId?: string;
}

function failureMarks(replication: ReplicationResult): Mark[] {
  const marks: Mark[] = [];
  for (const step of replication.steps) {
    if (step.status === 'failed')
      marks.push({ key: `step-${step.index}`, label: `Step ${step.index + 1}: ${step.label}`, t: step.endS });
  }
  for (const rule of replication.rules) {
    if (rule.first !== null) {
      marks.push({
        key: `rule-${rule.id}`,
        label: `Rule ${rule.id} on ${rule.first.assetId}`,
        t: rule.first.simTime,
        assetId: rule.first.assetId,
      });
    }
  }
  return marks.sort((a, b) => a.t - b.t);
}

const ROW = 22;
const LEFT = 230;
const WIDTH = 900;

/** Each step as a bar over sim time (pass/fail/skipped), each rule's first violation as a mark. */
function Timeline({ result, replication }: { result: TestResult; replication: ReplicationResult }): ReactNode {
  const endS = Math.max(1, replication.endS, ...replication.steps.map((s) => s.endS));
  const x = (t: number): number => LEFT + ((WIDTH - LEFT - 30) * t) / endS;
  const rules = replication.rules;
  const height = (replication.steps.length + rules.length) * ROW + 30;
  const ticks = Array.from({ length: 7 }, (_, i) => (endS * i) / 6);
  return (
    <svg
      className="test-timeline"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-label={`Timeline of ${replication.steps.length} steps and ${rules.length} rules over sim time`}
    >
      {ticks.map((t) => (
        <g key={t}>
          <line className="grid" x1={x(t)} x2={x(t)} y1={0} y2={height - 22} />
          <text className="tick" x={x(t)} y={height - 6} textAnchor="middle">
            {clockOf(result, t)}
          </text>
        </g>
      ))}
      {replication.steps.map((step, row) => {
        const y = row * ROW + 4;
        const w = Math.max(3, x(step.endS) - x(step.startS));
        return (
          <g key={`s${step.index}`} className={`tl-${step.status}`}>
            <text className="tl-label" x={4} y={y + 14}>
              {ICON[step.status]} {step.index + 1}.{' '}
              {step.label.length > 30 ? `${step.label.slice(0, 29)}…` : step.label}
            </text>
            <rect x={x(step.startS)} y={y + 3} width={w} height={ROW - 8} rx={2}>
              <title>
                {`${step.label}: ${step.status} (${clockOf(result, step.startS)} → ${clockOf(result, step.endS)})${step.message !== undefined ? `: ${step.message}` : ''}`}
              </title>
            </rect>
          </g>
        );
      })}
      {rules.map((rule, i) => {
        const y = (replication.steps.length + i) * ROW + 4;
        return (
          <g key={`r${rule.id}`} className={`tl-${rule.status}`}>
            <text className="tl-label" x={4} y={y + 14}>
              {ICON[rule.status]} rule {rule.id}
            </text>
            <line className="tl-rule" x1={LEFT} x2={WIDTH - 30} y1={y + ROW / 2} y2={y + ROW / 2} />
            {rule.first !== null && (
              <path className="tl-violation" d={`M ${x(rule.first.simTime)} ${y + 3} l 6 8 l -6 8 l -6 -8 z`}>
                <title>{`${rule.id} violated at ${clockOf(result, rule.first.simTime)} on ${rule.first.assetId}: ${rule.first.message}`}</title>
              </path>
            )}
          </g>
        );
      })}
    </svg>
  );
}

/** Saves a text as a file the browser downloads. */
function download(text: string, type: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

/** A run: its state while it works, then the verdict, the timeline, what failed (each openable at its instant). */
export function RunResults({ run }: { run: TestRun }): ReactNode {
  const api = useApi();
  const [opening, setOpening] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const result = run.result;
  const active = run.status === 'queued' || run.status === 'running';

  const open = async (mark: Mark, pack: string): Promise<void> => {
    setOpening(mark.key);
    setError(undefined);
    try {
      const sim = await api.openTestRun(run.id, mark.t);
      // A control-plane replay opens with its run, whose rule verdicts that view marks on its slider.
      if (pack === 'controlplane') navigate({ view: 'controlplane', simId: sim.id, runId: run.id });
      else
        navigate({
          view: viewOfPack(pack),
          simId: sim.id,
          ...(mark.assetId !== undefined ? { assetId: mark.assetId } : {}),
        });
    } catch (e) {
      setError(e);
    } finally {
      setOpening(null);
    }
  };
  const report = async (format: 'junit' | 'html'): Promise<void> => {
    setError(undefined);
    try {
      const text = await api.testReport(run.id, format);
      const base = run.testName.replace(/[^A-Za-z0-9._-]+/g, '-');
      if (format === 'junit') download(text, 'application/xml', `${base}.junit.xml`);
      else download(text, 'text/html', `${base}.html`);
    } catch (e) {
      setError(e);
    }
  };

  if (active || result === null) {
    return (
      <section className="panel run-panel" aria-label="Test run" aria-live="polite">
        <div className="row">
          <strong data-testid="run-status">
            {run.status === 'queued' ? '◷ Queued' : run.status === 'running' ? '▶ Running' : `✕ ${run.status}`}
          </strong>
          {active && (
            <progress max={Math.max(1, run.progress.total)} value={run.progress.done} aria-label="Replications done" />
          )}
          <span className="muted num">
            {run.progress.done} of {run.progress.total || '?'} replications
          </span>
        </div>
        {run.error !== null && <ErrorView error={new Error(run.error)} title="The run ended in an error" />}
      </section>
    );
  }
  const replication = shownReplication(result);
  const marks = replication === undefined ? [] : failureMarks(replication);
  return (
    <section className="panel run-panel" aria-label="Test run">
      <div className={`verdict ${run.verdict === 'APPROVE' ? 'approve' : 'reject'}`} data-testid="verdict">
        <strong>{run.verdict === 'APPROVE' ? '✔ APPROVE' : '✘ REJECT'}</strong>
        <span>
          {result.name} · {result.replications.length} replication{result.replications.length === 1 ? '' : 's'} ·{' '}
          {result.wallS.toFixed(1)} s
        </span>
        <span className="spacer" />
        <button type="button" onClick={() => void report('junit')}>
          JUnit XML
        </button>
        <button type="button" onClick={() => void report('html')}>
          HTML report
        </button>
      </div>
      {result.failures.length > 0 && (
        <ul className="failures" aria-label="Failures">
          {result.failures.map((failure, i) => (
            <li key={i}>
              <strong>
                {failure.kind} {failure.ref}
              </strong>
              : {failure.message}
            </li>
          ))}
        </ul>
      )}
      {replication !== undefined && (
        <>
          <h3 className="section-title">
            Timeline
            {result.replications.length > 1
              ? ` of replication ${replication.index + 1} (seed ${replication.seed})`
              : ''}
          </h3>
          <Timeline result={result} replication={replication} />
          {marks.length > 0 && (
            <ul className="open-list" aria-label="Open the simulation where it failed">
              {marks.map((mark) => (
                <li key={mark.key}>
                  <span className="tl-failed">✘</span> {mark.label} at{' '}
                  <span className="num">{clockOf(result, mark.t)}</span>{' '}
                  <button
                    type="button"
                    className="primary"
                    disabled={opening !== null}
                    onClick={() => void open(mark, result.pack)}
                  >
                    {opening === mark.key
                      ? 'Opening…'
                      : `Open in ${result.pack === 'controlplane' ? 'Control plane' : VIEW_TITLE[viewOfPack(result.pack)]} at ${clockOf(result, mark.t)}`}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <ErrorView error={error} title="Could not open" />
    </section>
  );
}
