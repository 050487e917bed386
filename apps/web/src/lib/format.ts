/** Time and number formatting: sim clocks in the scenario's time zone, durations, KPI values with units. */

export interface ClockParts {
  /** YYYY-MM-DD in the scenario's time zone. */
  readonly date: string;
  /** HH:MM:SS (24 h) in the scenario's time zone. */
  readonly time: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      // An unknown zone name from a hand-written scenario must not break the clock: show UTC.
      f = formatterFor('UTC');
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock date and time of a sim instant: scenario start (ISO 8601) plus `simTimeS` seconds. */
export function simClock(startIso: string, simTimeS: number, timeZone: string): ClockParts {
  const startMs = Date.parse(startIso);
  if (!Number.isFinite(startMs)) return { date: '—', time: formatOffset(simTimeS, true) };
  const parts = formatterFor(timeZone).formatToParts(new Date(startMs + Math.round(simTimeS * 1000)));
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '00';
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    time: `${get('hour')}:${get('minute')}:${get('second')}`,
  };
}

/** Seconds since the start as H:MM or H:MM:SS (may exceed 24 h: 25:10). */
export function formatOffset(seconds: number, withSeconds = false): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const hm = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  return withSeconds ? `${hm}:${String(sec).padStart(2, '0')}` : hm;
}

/** A duration for people: "45 s", "4.2 min", "1 h 05 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.abs(seconds);
  const sign = seconds < 0 ? '−' : '';
  if (s < 10 && !Number.isInteger(s)) return `${sign}${s.toFixed(1)} s`;
  if (s < 60) return `${sign}${Math.round(s)} s`;
  if (s < 3600) return `${sign}${(s / 60).toFixed(s < 600 ? 1 : 0)} min`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return `${sign}${h} h ${String(m).padStart(2, '0')} min`;
}

/** A figure with its unit, in the unit people read: seconds of wait as minutes, fractions as percent. */
export function formatKpi(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 's':
      return formatDuration(value);
    case 'fraction':
      return `${(value * 100).toFixed(1)} %`;
    case 'kW':
    case 'kWh':
      return `${formatNumber(value)} ${unit}`;
    case '':
      return formatNumber(value);
    default:
      return `${formatNumber(value)} ${value === 1 ? singular(unit) : unit}`;
  }
}

/** "1 riders" reads badly: the unit in the singular for exactly one. */
export function singular(unit: string): string {
  if (unit.endsWith('ies')) return `${unit.slice(0, -3)}y`;
  if (unit.endsWith('s') && !unit.endsWith('ss')) return unit.slice(0, -1);
  return unit;
}

/**
 * A number as shown, without the sign of a value that shows as zero: -0, or a small negative rounded away (a
 * vehicle that regenerated a few watt-hours), reads "0", never "-0".
 */
function unsignedZero(text: string): string {
  return /^-[0.,]+$/.test(text) ? text.slice(1) : text;
}

/** Thousands separated, at most one decimal for large values and two for small ones. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const digits = Number.isInteger(value) ? 0 : abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return unsignedZero(value.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits }));
}

/** A number with exactly `digits` decimals, and its unit if any ("0.000 kWh", never "-0.000 kWh"). */
export function formatFixed(value: number, digits: number, unit = ''): string {
  if (!Number.isFinite(value)) return '—';
  const text = unsignedZero(value.toFixed(digits));
  return unit === '' ? text : `${text} ${unit}`;
}

/** A signed difference with its unit, for compare views: "+4.2 min", "−12 riders". */
export function formatDelta(delta: number, unit: string): string {
  if (!Number.isFinite(delta)) return '—';
  if (delta === 0 || Math.abs(delta) < 1e-9) return `±0${unit === 'fraction' ? ' pp' : ''}`;
  const sign = delta > 0 ? '+' : '−';
  if (unit === 'fraction') return `${sign}${(Math.abs(delta) * 100).toFixed(1)} pp`;
  return `${sign}${formatKpi(Math.abs(delta), unit)}`;
}

const ACRONYMS = new Set(['oee', 'soc', 'kpi', 'id']);

/** "wait_p95_s" → "Wait p95". */
export function humanize(name: string): string {
  const words = name
    .replace(/_(s|kw|kwh|pct)$/i, '')
    .split('_')
    .filter((w) => w.length > 0);
  if (words.length === 0) return name;
  const text = words.map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w)).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Seconds of sim time a wall-clock step of the transport bar means ("1 min" → 60). */
export function parseClockInput(text: string): number | null {
  const m = /^\s*(\d{1,3}):(\d{2})(?::(\d{2}))?\s*$/.exec(text);
  if (m === null) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const sec = m[3] === undefined ? 0 : Number(m[3]);
  if (min > 59 || sec > 59) return null;
  return h * 3600 + min * 60 + sec;
}
