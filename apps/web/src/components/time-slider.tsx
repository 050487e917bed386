import { useEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { displayClock } from '../lib/clock-time.js';
import { formatOffset } from '../lib/format.js';
import { clusterPins, type PinCluster } from './pin-clusters.js';

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

/** The slider's width in pixels, followed as the window resizes (before the first layout: a typical width). */
function useWidth(): { ref: (el: HTMLDivElement | null) => void; px: number } {
  const [px, setPx] = useState(1000);
  const [el, ref] = useState<HTMLDivElement | null>(null);
  useEffect(() => {
    if (el === null) return;
    setPx(el.clientWidth || 1000);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setPx(el.clientWidth || 1000));
    observer.observe(el);
    return () => observer.disconnect();
  }, [el]);
  return { ref, px };
}

const pinName = (pin: SliderPin): string => `${pin.kind === 'violation' ? 'Violation' : 'Branch point'}: ${pin.label}`;

function PinButton({
  pin,
  left,
  onPin,
}: {
  pin: SliderPin;
  left: string;
  onPin: ((pin: SliderPin) => void) | undefined;
}): ReactNode {
  return (
    <button
      type="button"
      className={pin.kind === 'violation' ? 'ts-pin violation' : 'ts-pin'}
      style={{ left }}
      title={pin.label}
      aria-label={pinName(pin)}
      onClick={() => onPin?.(pin)}
    >
      {pin.kind === 'violation' ? '✘' : '◆'}
    </button>
  );
}

/** Pins too close to tell apart: one mark with their count; it opens their list, each pin a button. */
function ClusterMark(props: {
  cluster: PinCluster;
  left: string;
  time: (t: number) => string;
  open: boolean;
  onToggle: () => void;
  onPin: (pin: SliderPin) => void;
}): ReactNode {
  const { cluster, open } = props;
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (open) listRef.current?.querySelector('button')?.focus();
  }, [open]);
  const n = cluster.pins.length;
  const noun = cluster.kind === 'violation' ? 'violations' : 'branch points';
  const name = `${n} ${noun} from ${props.time(cluster.time)} to ${props.time(cluster.pins[n - 1].time)}`;
  const listId = `ts-cluster-${cluster.id.replace(/[^\w-]/g, '_')}`;
  return (
    <>
      <button
        type="button"
        className={cluster.kind === 'violation' ? 'ts-pin ts-cluster violation' : 'ts-pin ts-cluster'}
        style={{ left: props.left }}
        title={name}
        aria-label={name}
        aria-expanded={open}
        aria-controls={listId}
        onClick={props.onToggle}
      >
        {cluster.kind === 'violation' ? '✘' : '◆'}
        {n}
      </button>
      {open && (
        <ul
          id={listId}
          ref={listRef}
          className="ts-cluster-list"
          // Kept inside the slider near its ends: the list is centred on the mark.
          style={{ left: `clamp(210px, ${props.left}, calc(100% - 210px))` }}
          aria-label={name}
          onKeyDown={(e) => {
            if (e.key === 'Escape') props.onToggle();
          }}
        >
          {cluster.pins.map((pin) => (
            <li key={pin.id}>
              <button type="button" aria-label={pinName(pin)} onClick={() => props.onPin(pin)}>
                {pin.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/**
 * The time slider over the simulated day: the recorded past drawn solid up to the live head (marked), branch
 * points and rule violations as pins (those too close to tell apart as one mark with their count and list); the
 * thumb cannot go beyond the head (the future is not recorded yet). A native range input
 * underneath keeps it keyboard- and screen-reader-friendly.
 */
export function TimeSlider(props: Props): ReactNode {
  const { durationS, headTime, value, onChange, pins, startIso, timeZone } = props;
  const span = Math.max(1, durationS);
  const pct = (t: number): string => `${Math.max(0, Math.min(100, (t / span) * 100))}%`;
  const clock = displayClock({ startIso, timeZone, durationS }, value);
  const style = { '--recorded': pct(headTime), '--value': pct(value) } as CSSProperties;
  const width = useWidth();
  const clusters = clusterPins(pins, span, width.px);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div className="time-slider" style={style} ref={width.ref}>
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
      {clusters.map((cluster) =>
        cluster.pins.length === 1 ? (
          <PinButton key={cluster.id} pin={cluster.pins[0]} left={pct(cluster.time)} onPin={props.onPin} />
        ) : (
          <ClusterMark
            key={cluster.id}
            cluster={cluster}
            left={pct(cluster.time)}
            time={(t) => displayClock({ startIso, timeZone, durationS }, t).time}
            open={open === cluster.id}
            onToggle={() => setOpen(open === cluster.id ? null : cluster.id)}
            onPin={(pin) => {
              setOpen(null);
              props.onPin?.(pin);
            }}
          />
        ),
      )}
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
