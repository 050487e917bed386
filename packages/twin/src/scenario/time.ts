/**
 * Calendar arithmetic for scenario start times and clock-time interventions, done on numbers (epoch milliseconds)
 * with Intl for time zones, so the simulation core never touches the wall clock.
 */

const startPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export const startFormat = 'an ISO 8601 datetime with offset, e.g. 2026-06-01T00:00:00+02:00';

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Epoch milliseconds of an ISO datetime with offset, or undefined when it is not one (or not a real date). */
export function parseStart(text: string): number | undefined {
  const match = startPattern.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((index) => Number(match[index]));
  const second = Number(match[6] ?? '0');
  const fraction = match[7] ? Number(match[7]) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (match[8] !== 'Z') {
    const sign = match[8].startsWith('-') ? -1 : 1;
    const [offsetHours, offsetMins] = match[8].slice(1).split(':').map(Number);
    if (offsetHours > 18 || offsetMins > 59) return undefined;
    offsetMinutes = sign * (offsetHours * 60 + offsetMins);
  }
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second + fraction;
  return (seconds - offsetMinutes * 60) * 1000;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function timeZoneNames(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone')];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Seconds after local midnight in `zone` at epoch milliseconds `epochMs`. */
export function localSecondsOfDay(epochMs: number, zone: string): number {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  let total = 0;
  for (const part of formatter.formatToParts(epochMs)) {
    if (part.type === 'hour') total += Number(part.value) * 3600;
    else if (part.type === 'minute') total += Number(part.value) * 60;
    else if (part.type === 'second') total += Number(part.value);
  }
  return total + ((((epochMs / 1000) % 1) + 1) % 1);
}

const day = 86_400;
const mod = (value: number, modulus: number): number => ((value % modulus) + modulus) % modulus;

/**
 * Seconds from `startMs` to the first instant at or after it whose local clock in `zone` reads `clockSeconds`
 * (seconds after midnight). When a daylight-saving jump skips that clock time, the first instant after the jump.
 */
export function secondsUntilClock(startMs: number, zone: string, clockSeconds: number): number {
  let delta = mod(clockSeconds - localSecondsOfDay(startMs, zone), day);
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const drift = mod(localSecondsOfDay(startMs + delta * 1000, zone) - clockSeconds + day / 2, day) - day / 2;
    if (drift === 0) return delta;
    const next = delta - drift;
    if (next < 0) return delta;
    delta = next;
  }
  return delta;
}
