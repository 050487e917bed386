import { createHash } from 'node:crypto';
import { parseStart, secondsUntilClock, tryParseDuration, type ResolvedScenario } from '@doppel/twin';
import type { Instant } from './definition.js';

/** "90m", "1h30m", "45s", "1.5h" or a number of seconds (the scenario's duration syntax). */
export function parseDurationValue(value: string | number): number | undefined {
  const parsed = tryParseDuration(value);
  return parsed.ok ? parsed.seconds : undefined;
}

/** Epoch milliseconds of sim time 0. */
export function startMsOf(scenario: ResolvedScenario): number {
  return parseStart(scenario.start) ?? 0;
}

/** Sim time of an instant seen from `now`: the next such time of day (now included), or a time from the start. */
export function resolveInstant(instant: Instant, now: number, scenario: ResolvedScenario): number {
  if ('fromStart' in instant) return instant.fromStart;
  const delta = secondsUntilClock(startMsOf(scenario) + now * 1000, scenario.timezone, instant.clock);
  // Whole milliseconds: a time of day is meant exactly, not with the rounding of an epoch conversion.
  return Math.max(now, Math.round((now + delta) * 1000) / 1000);
}

/**
 * The seed of replication `index` (0-based): derived from the test's seed by SHA-256, so replications are
 * independent streams and the same test always runs the same replications. One replication runs the seed itself.
 */
export function replicationSeed(seed: number, index: number, replications: number): number {
  if (replications === 1) return seed;
  const digest = createHash('sha256').update(`doppel/replication/${seed}/${index}`).digest();
  return digest.readUIntBE(0, 6);
}
