import { TwinError, TwinErrorCode } from '../errors.js';

const unitSeconds: Readonly<Record<string, number>> = { d: 86_400, h: 3_600, m: 60, s: 1 };
const durationPattern = /^(?:\d+(?:\.\d+)?\s*[dhms]\s*)+$/;
const partPattern = /(\d+(?:\.\d+)?)\s*([dhms])/g;

/** The accepted duration forms, for messages and docs. */
export const durationFormats = '"24h", "90m", "1h30m", "1200s", "1d", "1.5h", or a number of seconds';

/** Parses a duration into seconds, or returns a reason it is not one. */
export function tryParseDuration(value: unknown): { ok: true; seconds: number } | { ok: false; reason: string } {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, reason: 'not a finite number' };
    if (value < 0) return { ok: false, reason: 'a duration cannot be negative' };
    return { ok: true, seconds: value };
  }
  if (typeof value !== 'string') return { ok: false, reason: 'not a duration' };
  const text = value.trim().toLowerCase();
  if (text.startsWith('-')) return { ok: false, reason: 'a duration cannot be negative' };
  if (/^\d+(?:\.\d+)?$/.test(text)) return { ok: true, seconds: Number(text) };
  if (!durationPattern.test(text)) return { ok: false, reason: 'not a duration' };
  let seconds = 0;
  const used = new Set<string>();
  for (const match of text.matchAll(partPattern)) {
    const unit = match[2];
    if (used.has(unit)) return { ok: false, reason: `unit "${unit}" appears twice` };
    used.add(unit);
    seconds += Number(match[1]) * unitSeconds[unit];
  }
  return { ok: true, seconds };
}

/**
 * Parses "24h", "90m", "1h30m", "1200s", "1d", "1.5h", "1h 30m" or a plain number of seconds into seconds.
 * Throws a TwinError (DOPPEL_ERR_INVALID_ARGUMENTS) on anything else, including negative durations.
 */
export function parseDuration(text: string | number): number {
  const result = tryParseDuration(text);
  if (!result.ok) {
    throw new TwinError(
      TwinErrorCode.InvalidArguments,
      `invalid duration ${JSON.stringify(text)}: ${result.reason} (expected ${durationFormats})`,
      { value: text },
    );
  }
  return result.seconds;
}

/** Formats seconds as the shortest "XdYhZmWs" text that parses back to the same number ("0s" for zero). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`formatDuration: invalid seconds ${seconds}`);
  // Fractions of a second would not survive unit arithmetic exactly: keep them as plain seconds.
  if (!Number.isInteger(seconds)) return `${String(seconds)}s`;
  let rest = seconds;
  let out = '';
  for (const unit of ['d', 'h', 'm'] as const) {
    const size = unitSeconds[unit];
    const count = Math.floor(rest / size);
    if (count > 0) out += `${count}${unit}`;
    rest -= count * size;
  }
  if (rest > 0 || out === '') out += `${rest}s`;
  return out;
}

/**
 * A simulation instant for a message, "33.308 s": milliseconds are as fine as a reader needs, and the ledger keeps
 * the exact value.
 */
export function formatSimTime(seconds: number): string {
  return `${Number(seconds.toFixed(3))} s`;
}

/** "17:55" or "17:55:30" as seconds after midnight, or undefined when it is not a clock time. */
export function parseClockTime(text: string): number | undefined {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!match) return undefined;
  const [hours, minutes, seconds] = [Number(match[1]), Number(match[2]), Number(match[3] ?? '0')];
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  return hours * 3600 + minutes * 60 + seconds;
}
