import type { Event } from './events.js';

/** Why `Environment.advance()` stopped. */
export type StopReason = 'until' | 'event' | 'empty' | 'maxEvents' | 'stopWhen';

export interface RunOptions {
  /**
   * A number: stop at that time (SimPy semantics: an URGENT stop at `until`, so events at exactly `until`
   * are not processed, except URGENT ones scheduled before the run started); `now` becomes `until`.
   * An event: stop right after it has been processed.
   */
  until?: number | Event;
  /** Stop after processing this many events (step n events). */
  maxEvents?: number;
  /** Checked after each event; the run stops right after the event that made it true (breakpoints). */
  stopWhen?: () => boolean;
}

/** Called after each processed event; registered with `Environment.observe`. */
export type EventObserver = (event: Event) => void;
