import type { CSSProperties, ReactNode } from 'react';
import { displayClock } from '../lib/clock-time.js';
import { formatOffset } from '../lib/format.js';

export interface SliderPin {
  readonly id: string;
  readonly time: number;
  readonly label: string;
  /** A branch point (default) or a rule violation: drawn and named apart, since both sit on the same track. */
  readonly kind?: 'branch' | 'violation';
}

interface Props {
  readonly durationS: number;
  /** The live head: the recorded past ends here. */
  readonly headTime: number;
  /** The instant shown (head when live). */
  readonly value: number;
  readonly onChange: (t: number) => void;
  readonly pins: readonly SliderPin[];
  readonly onPin?: (pin: SliderPin) => void;
  readonly startIso: string;
  readonly timeZone: string;
}

/** Ticks every few hours in the scenario's local time, as offsets from the start; seconds for a short test run. */
function ticks(durationS: number, startIso: string, timeZone: string): { t: number; label: string }[] {
  const step =
    durationS > 36 * 3600
      ? 12 * 3600
      : durationS > 12 * 3600
        ? 3 * 3600
        : durationS > 3 * 3600
          ? 3600
          : durationS > 1800
            ? 900
            : durationS > 300
              ? 60
              : 10;
  const out: { t: number; label: string }[] = [];
  for (let t = 0; t <= durationS + 1e-9; t += step) {
    const c = displayClock({ startIso, timeZone, durationS }, t);
    out.push({ t, label: c.date === '—' ? formatOffset(t, step < 60) : c.time.slice(0, step < 60 ? 8 : 5) });
  }
  return out;
}

/**
 * The time slider over the simulated day: the recorded past drawn solid up to the live head (marked), branch
 * points as pins; the thumb cannot go beyond the head (the future is not recorded yet). A native range input
 * underneath keeps it keyboard- and screen-reader-friendly.
 */
export function TimeSlider(props: Props): ReactNode {
  const { durationS, headTime, value, onChange, pins, startIso, timeZone } = props;
  const span = Math.max(1, durationS);
  const pct = (t: number): string => `${Math.max(0, Math.min(100, (t / span) * 100))}%`;
  const clock = displayClock({ startIso, timeZone, durationS }, value);
  const style = { '--recorded': pct(headTime), '--value': pct(value) } as CSSProperties;
  return (
    <div className="time-slider" style={style}>
      <div className="ts-track" aria-hidden="true">
        <div className="ts-recorded" />
        <div className="ts-head" title={`Live head ${formatOffset(headTime, true)}`} />
      </div>
      <input
        type="range"
        className="ts-input"
        min={0}
        max={span}
        // A test case of seconds (vehicles sampled at 10 Hz) scrubs in tenths; a day in seconds.
        step={span <= 600 ? 0.1 : 1}
        value={Math.min(value, span)}
        aria-label="Time slider: simulated instant shown"
        aria-valuetext={`${clock.date} ${clock.time}`}
        onChange={(e) => onChange(Math.min(Number(e.currentTarget.value), headTime))}
      />
      {pins.map((pin) => (
        <button
          key={pin.id}
          type="button"
          className={pin.kind === 'violation' ? 'ts-pin violation' : 'ts-pin'}
          style={{ left: pct(pin.time) }}
          title={pin.label}
          aria-label={`${pin.kind === 'violation' ? 'Violation' : 'Branch point'}: ${pin.label}`}
          onClick={() => props.onPin?.(pin)}
        >
          {pin.kind === 'violation' ? '✘' : '◆'}
        </button>
      ))}
      <div className="ts-ticks" aria-hidden="true">
        {ticks(span, startIso, timeZone).map((tk) => (
          <span key={tk.t} style={{ left: pct(tk.t) }}>
            {tk.label}
          </span>
        ))}
      </div>
    </div>
  );
}
