import { parseClockInput, simClock } from './format.js';

interface SimClockInfo {
  readonly startIso: string;
  readonly timeZone: string;
  readonly durationS: number;
}

/** A local clock time a person typed, resolved to sim time, or a message that says why it cannot be used. */
export type ClockEntry = { readonly ok: true; readonly t: number } | { readonly ok: false; readonly message: string };

/** HH:MM of a sim instant, with the end of a day shown as 24:00 rather than the next day's 00:00. */
export function clockLabel(sim: SimClockInfo, t: number, withSeconds = false): string {
  const c = displayClock(sim, t);
  return withSeconds ? c.time : c.time.slice(0, 5);
}

/** A run of an hour or less moves in seconds: its clock shows them, or it would read 00:00 from start to end. */
export function showsSeconds(sim: SimClockInfo): boolean {
  return sim.durationS <= 3600;
}

/**
 * Date and time of a sim instant for display: the run's end, when it falls on local midnight, is 24:00 of the day
 * that ends there (a day that runs from 00:00 to 24:00), not 00:00 of the next day.
 */
export function displayClock(sim: SimClockInfo, t: number): { date: string; time: string } {
  const c = simClock(sim.startIso, t, sim.timeZone);
  if (t > 0 && t >= sim.durationS && c.time === '00:00:00') {
    const before = simClock(sim.startIso, t - 1, sim.timeZone);
    return { date: before.date, time: '24:00:00' };
  }
  return c;
}

/**
 * The sim time that a clock time typed at `now` means: that time on the day being shown ("09:00" typed at 17:48
 * is this morning, "24:00" is tonight's midnight), never the next day. With `future`, an instant already behind
 * `now` is refused with a message saying so; an instant after the run's end is refused too.
 */
export function resolveClockEntry(sim: SimClockInfo, now: number, text: string, future: boolean): ClockEntry {
  const target = parseClockInput(text);
  if (target === null || target > 24 * 3600) {
    return { ok: false, message: `“${text.trim()}” is not a time of day: type it as HH:MM, from 00:00 to 24:00.` };
  }
  const current = parseClockInput(simClock(sim.startIso, now, sim.timeZone).time) ?? 0;
  // Whole seconds: `now` may sit between two seconds, the day starts on one.
  const dayStart = Math.floor(now) - current;
  const t = Math.max(0, dayStart + target);
  const typed = formatHm(target);
  const nowLabel = clockLabel(sim, now);
  if (future && t < Math.floor(now)) {
    return {
      ok: false,
      message: `${typed} has already passed (the simulation is at ${nowLabel}). Pick a later time, or drag the time slider back to look at ${typed}.`,
    };
  }
  if (t > sim.durationS) {
    return {
      ok: false,
      message: `${typed} is after the end of the run (${clockLabel(sim, sim.durationS)}).`,
    };
  }
  return { ok: true, t };
}

function formatHm(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}
