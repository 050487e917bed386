import { parseClockInput, simClock } from './format.js';

/** Sim time of the next occurrence of a local clock time (HH:MM) at or after `now`, in the scenario's zone. */
export function atLocalClock(
  sim: { readonly startIso: string; readonly timeZone: string },
  now: number,
  clock: string,
): number | null {
  const target = parseClockInput(clock);
  if (target === null) return null;
  const current = parseClockInput(simClock(sim.startIso, now, sim.timeZone).time);
  if (current === null) return null;
  return now + ((target - current + 86400) % 86400);
}
