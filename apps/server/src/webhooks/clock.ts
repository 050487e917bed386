/**
 * Time as webhook delivery sees it: the retry schedule spans a day, so tests drive it with a clock of their own
 * instead of waiting. Only scheduling and the `webhook-timestamp` header read it; sockets keep real time.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `callback` once, `delayMs` from now; the returned function cancels it. */
  schedule(callback: () => void, delayMs: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(callback, delayMs) {
    // Timers hold at most 2^31-1 ms; a later time is reached by waking up and scheduling again.
    const timer = setTimeout(callback, Math.min(Math.max(0, delayMs), 2 ** 31 - 1));
    timer.unref();
    return () => clearTimeout(timer);
  },
};
