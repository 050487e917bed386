import { useEffect, useState, type ReactNode } from 'react';
import type { SimSummary } from '../api/types.js';
import { clockLabel, resolveClockEntry, showsSeconds } from '../lib/clock-time.js';
import { parseClockInput } from '../lib/format.js';
import type { SimSession } from '../state/use-sim.js';
import { TimeSlider, type SliderPin } from './time-slider.js';

export const SPEEDS: readonly { readonly value: number | null; readonly label: string }[] = [
  { value: 1, label: '1x' },
  { value: 10, label: '10x' },
  { value: 60, label: '60x' },
  { value: 600, label: '600x' },
  { value: null, label: 'max' },
];

export function speedIndex(speed: number | null): number {
  const i = SPEEDS.findIndex((s) => s.value === speed);
  if (i >= 0) return i;
  if (speed === null) return SPEEDS.length - 1;
  // The nearest preset below an odd speed set through the API.
  let best = 0;
  SPEEDS.forEach((s, j) => {
    if (s.value !== null && s.value <= speed) best = j;
  });
  return best;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

interface Props {
  readonly session: SimSession;
  readonly onBranchHere: (t: number) => void;
  readonly onOpenBranch: (sim: SimSummary) => void;
  /** Rule violations to mark on the slider (kind `violation`), and what a click on one does. */
  readonly marks?: readonly SliderPin[];
  readonly onMark?: (mark: SliderPin) => void;
}

/** Play/pause, steps, speed and the time slider, with Rewind here / Branch here for the instant shown. */
export function TransportBar({ session, onBranchHere, onOpenBranch, marks = [], onMark }: Props): ReactNode {
  const { sim, busy } = session;
  const [runTo, setRunTo] = useState('');
  const [runToError, setRunToError] = useState<string | null>(null);
  const [confirmRewind, setConfirmRewind] = useState<number | null>(null);
  const running = sim?.state === 'running';
  const finished = sim?.state === 'finished';

  // Keyboard: space play/pause, → step 1 min (shift: 15 min), ← look one minute back, [ ] speed.
  useEffect(() => {
    if (sim === undefined) return;
    const onKey = (e: KeyboardEvent): void => {
      if (isTyping(e.target) || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === ' ') {
        e.preventDefault();
        if (running) void session.pause();
        else if (!finished) void session.play();
      } else if (e.key === 'ArrowRight') {
        e.preventDefault();
        if (session.viewTime !== null) session.setViewTime(session.viewTime + (e.shiftKey ? 900 : 60));
        else if (!running && !finished) void session.step({ seconds: e.shiftKey ? 900 : 60 });
      } else if (e.key === 'ArrowLeft') {
        e.preventDefault();
        const from = session.viewTime ?? sim.simTime;
        session.setViewTime(Math.max(0, from - (e.shiftKey ? 900 : 60)));
      } else if (e.key === '[' || e.key === ']') {
        const i = speedIndex(sim.speed) + (e.key === ']' ? 1 : -1);
        if (i >= 0 && i < SPEEDS.length) void session.setSpeed(SPEEDS[i].value);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [sim, running, finished, session]);

  if (sim === undefined) return <div className="transport" aria-label="Transport" />;
  const shown = session.viewTime ?? sim.simTime;
  const pins: SliderPin[] = session.branches
    .filter((b) => b.forkTime !== null)
    .map((b): SliderPin => ({ id: b.id, time: b.forkTime ?? 0, label: b.name }))
    .concat(marks);
  const current = speedIndex(sim.speed);
  return (
    <div className="transport" role="toolbar" aria-label="Transport">
      <div className="tp-row">
        <div className="tp-buttons">
          <button
            type="button"
            className="primary tp-play"
            aria-label={running ? 'Pause (space)' : 'Play (space)'}
            title={running ? 'Pause (space)' : 'Play (space)'}
            disabled={finished || busy}
            onClick={() => void (running ? session.pause() : session.play())}
          >
            {running ? '❚❚' : '▶'}
          </button>
          <button
            type="button"
            aria-label="+1 ev: Step one event"
            title="Step one event"
            disabled={running || finished || busy}
            onClick={() => void session.step({ events: 1 })}
          >
            +1 ev
          </button>
          <button
            type="button"
            aria-label="+1 min: Step one minute (→)"
            title="Step one minute (→)"
            disabled={running || finished || busy}
            onClick={() => void session.step({ seconds: 60 })}
          >
            +1 min
          </button>
          <button
            type="button"
            aria-label="+15 min: Step 15 minutes (shift →)"
            title="Step 15 minutes (shift →)"
            disabled={running || finished || busy}
            onClick={() => void session.step({ seconds: 900 })}
          >
            +15 min
          </button>
        </div>
        <div className="tp-speed" role="group" aria-label="Speed ([ and ])">
          {SPEEDS.map((s, i) => (
            <button
              key={s.label}
              type="button"
              aria-pressed={i === current}
              aria-label={`Speed ${s.label}`}
              onClick={() => void session.setSpeed(s.value)}
            >
              {s.label}
            </button>
          ))}
        </div>
        <form
          className="tp-runto"
          onSubmit={(e) => {
            e.preventDefault();
            const entry = resolveClockEntry(sim, sim.simTime, runTo, true);
            setRunToError(entry.ok ? null : entry.message);
            if (entry.ok) void session.runUntil(entry.t);
          }}
        >
          <input
            aria-label="Run to local time (HH:MM)"
            placeholder="HH:MM"
            value={runTo}
            aria-invalid={runToError !== null}
            aria-describedby={runToError !== null ? 'run-to-error' : undefined}
            onChange={(e) => {
              setRunTo(e.currentTarget.value);
              setRunToError(null);
            }}
            disabled={running || finished}
          />
          <button
            type="submit"
            disabled={running || finished || busy || parseClockInput(runTo) === null}
            aria-label="Run to that time"
          >
            Run to
          </button>
          {runToError !== null && (
            <span id="run-to-error" className="field-error" role="alert">
              {runToError}
            </span>
          )}
        </form>
        {sim.debug?.awaitingAck === true && (
          <div className="tp-debug" role="status">
            <span>Debug mode: paused at {clockLabel(sim, sim.debug.pausedAt ?? sim.simTime)}</span>
            <button type="button" className="primary" disabled={busy} onClick={() => void session.ack()}>
              Continue
            </button>
          </div>
        )}
        <div className="tabular tp-time" aria-live="polite">
          <strong>{clockLabel(sim, shown, showsSeconds(sim))}</strong>{' '}
          {session.historical ? <span className="tag">past</span> : <span className="tag live">● live</span>}
        </div>
        <span className="spacer" />
        {session.historical && (
          <>
            <button type="button" onClick={() => session.setViewTime(null)} aria-label="Back to the live head">
              Live
            </button>
            <button type="button" disabled={busy} onClick={() => setConfirmRewind(shown)} aria-label="Rewind here">
              Rewind here
            </button>
          </>
        )}
        <button type="button" disabled={busy} onClick={() => onBranchHere(shown)} aria-label="Branch here">
          Branch here
        </button>
      </div>
      <TimeSlider
        durationS={sim.durationS}
        headTime={sim.simTime}
        value={shown}
        onChange={(t) => session.setViewTime(t)}
        pins={pins}
        onPin={(pin) => {
          if (pin.kind === 'violation') return onMark?.(pin);
          const b = session.branches.find((x) => x.id === pin.id);
          if (b !== undefined) onOpenBranch(b);
        }}
        startIso={sim.startIso}
        timeZone={sim.timeZone}
      />
      {confirmRewind !== null && (
        <RewindDialog
          sim={sim}
          t={confirmRewind}
          busy={busy}
          onCancel={() => setConfirmRewind(null)}
          onBranch={() => {
            setConfirmRewind(null);
            onBranchHere(confirmRewind);
          }}
          onRewind={() => {
            setConfirmRewind(null);
            void session.rewind(confirmRewind);
          }}
        />
      )}
    </div>
  );
}

/** Rewinding drops the recorded day after the instant: said in words, with a branch offered to keep it. */
function RewindDialog({
  sim,
  t,
  busy,
  onCancel,
  onBranch,
  onRewind,
}: {
  sim: SimSummary;
  t: number;
  busy: boolean;
  onCancel: () => void;
  onBranch: () => void;
  onRewind: () => void;
}): ReactNode {
  const from = clockLabel(sim, t);
  const to = clockLabel(sim, sim.simTime);
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div className="modal panel" role="dialog" aria-modal="true" aria-labelledby="rewind-title">
        <h2 id="rewind-title">Rewind to {from}?</h2>
        <p>
          What was recorded from {from} to {to} is discarded: the simulation continues from {from} when you play, and
          the same inputs give the same day again. To keep it, branch here instead: a new simulation leaves from {from}{' '}
          and this one stays as it is.
        </p>
        <div className="row">
          <button type="button" className="danger" disabled={busy} onClick={onRewind} autoFocus>
            Rewind and discard {from}–{to}
          </button>
          <button type="button" disabled={busy} onClick={onBranch}>
            Branch here instead
          </button>
          <button type="button" className="ghost" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
