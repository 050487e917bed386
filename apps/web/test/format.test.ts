import { describe, expect, it } from 'vitest';
import {
  formatDelta,
  formatDuration,
  formatFixed,
  formatKpi,
  formatNumber,
  formatOffset,
  humanize,
  parseClockInput,
  simClock,
} from '../src/lib/format.js';

describe('sim clock', () => {
  it('shows the wall-clock date and time in the scenario time zone', () => {
    // 2026-03-10T06:00:00Z plus 12 h in Paris (UTC+1 in March before DST) is 19:00 local.
    expect(simClock('2026-03-10T06:00:00Z', 12 * 3600, 'Europe/Paris')).toEqual({
      date: '2026-03-10',
      time: '19:00:00',
    });
    expect(simClock('2026-03-10T06:00:00Z', 0, 'Asia/Taipei')).toEqual({ date: '2026-03-10', time: '14:00:00' });
  });

  it('crosses midnight into the next date', () => {
    expect(simClock('2026-03-10T22:30:00Z', 3600, 'UTC')).toEqual({ date: '2026-03-10', time: '23:30:00' });
    expect(simClock('2026-03-10T22:30:00Z', 5400, 'UTC')).toEqual({ date: '2026-03-11', time: '00:00:00' });
  });

  it('falls back to UTC for an unknown zone and to the offset for an unknown start', () => {
    expect(simClock('2026-03-10T06:00:00Z', 0, 'Mars/Olympus')).toEqual({ date: '2026-03-10', time: '06:00:00' });
    expect(simClock('not a date', 3725, 'UTC')).toEqual({ date: '—', time: '01:02:05' });
  });
});

describe('durations and figures', () => {
  it('formats offsets and durations', () => {
    expect(formatOffset(0)).toBe('00:00');
    expect(formatOffset(25 * 3600 + 600)).toBe('25:10');
    expect(formatOffset(3725, true)).toBe('01:02:05');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(252)).toBe('4.2 min');
    expect(formatDuration(3900)).toBe('1 h 05 min');
    expect(formatDuration(-90)).toBe('−1.5 min');
  });

  it('puts units on KPI values', () => {
    expect(formatKpi(300, 's')).toBe('5.0 min');
    expect(formatKpi(0.953, 'fraction')).toBe('95.3 %');
    expect(formatKpi(1234.56, 'kWh')).toBe('1,235 kWh');
    expect(formatKpi(3, 'riders')).toBe('3 riders');
    expect(formatKpi(null, 'kW')).toBe('—');
  });

  it('signs deltas', () => {
    expect(formatDelta(120, 's')).toBe('+2.0 min');
    expect(formatDelta(-12, 'riders')).toBe('−12 riders');
    expect(formatDelta(-0.05, 'fraction')).toBe('−5.0 pp');
    expect(formatDelta(0, 's')).toBe('±0');
  });

  it('humanizes KPI names and parses clock input', () => {
    expect(humanize('wait_p95_s')).toBe('Wait p95');
    expect(humanize('energy_kwh')).toBe('Energy');
    expect(parseClockInput('17:55')).toBe(17 * 3600 + 55 * 60);
    expect(parseClockInput('7:05:30')).toBe(7 * 3600 + 330);
    expect(parseClockInput('7:75')).toBeNull();
    expect(parseClockInput('soon')).toBeNull();
  });
});

describe('local clock → sim time', () => {
  const sim = { startIso: '2026-06-02T00:00:00+02:00', timeZone: 'Europe/Paris', durationS: 86400 };
  it('means that time on the day shown, never the next day', async () => {
    const { resolveClockEntry } = await import('../src/lib/clock-time.js');
    expect(resolveClockEntry(sim, 0, '17:45', true)).toEqual({ ok: true, t: 17 * 3600 + 45 * 60 });
    expect(resolveClockEntry(sim, 3600, '01:00', true)).toEqual({ ok: true, t: 3600 });
    expect(resolveClockEntry(sim, 0, '24:00', true)).toEqual({ ok: true, t: 86400 });
    // 09:00 typed at 17:48 (mid-second): this morning, refused for the future in words, with no raw seconds.
    const late = resolveClockEntry(sim, 17 * 3600 + 48 * 60 + 0.60123832503, '09:00', true);
    expect(late.ok).toBe(false);
    if (!late.ok) {
      expect(late.message).toMatch(/09:00 has already passed \(the simulation is at 17:48\)/);
      expect(late.message).not.toMatch(/\d{4,}/);
    }
    expect(resolveClockEntry(sim, 17 * 3600, '09:00', false)).toEqual({ ok: true, t: 9 * 3600 });
  });
  it('refuses what is not a time of day or lies after the end', async () => {
    const { resolveClockEntry } = await import('../src/lib/clock-time.js');
    const r = resolveClockEntry(sim, 0, 'later', true);
    expect(r.ok).toBe(false);
    const short = resolveClockEntry({ ...sim, durationS: 8 * 3600 }, 0, '09:00', true);
    expect(short).toEqual({ ok: false, message: '09:00 is after the end of the run (08:00).' });
  });
  it('shows the end of the day as 24:00', async () => {
    const { clockLabel, displayClock } = await import('../src/lib/clock-time.js');
    expect(clockLabel(sim, 86400)).toBe('24:00');
    expect(displayClock(sim, 86400)).toEqual({ date: '2026-06-02', time: '24:00:00' });
    expect(clockLabel(sim, 0)).toBe('00:00');
  });
});

describe('small durations', () => {
  it('keeps a decimal under ten seconds', () => {
    expect(formatDuration(5.24)).toBe('5.2 s');
    expect(formatDuration(5)).toBe('5 s');
    expect(formatDelta(-0.3, 's')).toBe('−0.3 s');
  });
});

describe('units', () => {
  it('uses the singular for exactly one', () => {
    expect(formatKpi(1, 'riders')).toBe('1 rider');
    expect(formatKpi(1, 'batteries')).toBe('1 battery');
    expect(formatKpi(2, 'batteries')).toBe('2 batteries');
  });
});

describe('negative zero', () => {
  it('a value that shows as zero reads without a sign, in every formatter', () => {
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(-0.001)).toBe('0');
    expect(formatKpi(-0, 'kWh')).toBe('0 kWh');
    expect(formatKpi(-0.0004, 'kWh')).toBe('0 kWh');
    expect(formatFixed(-0, 3, 'kWh')).toBe('0.000 kWh');
    expect(formatFixed(-0.0001, 3, 'kWh')).toBe('0.000 kWh');
    expect(formatFixed(-0.04, 1)).toBe('0.0');
  });

  it('a negative value that shows as one keeps its sign', () => {
    expect(formatNumber(-0.02)).toBe('-0.02');
    expect(formatFixed(-0.0006, 3, 'kWh')).toBe('-0.001 kWh');
    expect(formatKpi(-1234.5, 'kWh')).toBe('-1,235 kWh');
  });
});
