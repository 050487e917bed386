import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  formatDuration,
  loadScenarioText,
  parseClockTime,
  parseDuration,
  TwinError,
  TwinErrorCode,
} from '../src/index.js';
import { testPacks } from './fixtures/scenarios/test-packs.js';

describe('parseDuration', () => {
  test.each([
    ['24h', 86_400],
    ['90m', 5_400],
    ['1h30m', 5_400],
    ['1h 30m', 5_400],
    ['1200s', 1_200],
    ['1d', 86_400],
    ['1.5h', 5_400],
    ['17h55m', 64_500],
    ['0s', 0],
    ['3600', 3_600],
    [' 2H ', 7_200],
    [42, 42],
  ] as const)('%s is %d s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  test.each(['', 'h', '24 hours', '-2h', '1h1h', '5x', '1h-3m', '1e3s', 'abc', '--5'])('rejects %j', (text) => {
    try {
      parseDuration(text);
      throw new Error('expected an error');
    } catch (error) {
      expect(error).toBeInstanceOf(TwinError);
      expect((error as TwinError).code).toBe(TwinErrorCode.InvalidArguments);
    }
  });

  test('rejects negative and non-finite numbers', () => {
    expect(() => parseDuration(-1)).toThrow(TwinError);
    expect(() => parseDuration(Number.NaN)).toThrow(TwinError);
  });

  test('property: "XdYhZmWs" in any subset parses to the sum of its parts', () => {
    const part = fc.option(fc.nat({ max: 10_000 }), { nil: undefined });
    fc.assert(
      fc.property(part, part, part, part, fc.boolean(), (days, hours, minutes, seconds, spaced) => {
        const parts = [
          [days, 'd', 86_400],
          [hours, 'h', 3_600],
          [minutes, 'm', 60],
          [seconds, 's', 1],
        ] as const;
        const present = parts.filter(([count]) => count !== undefined);
        fc.pre(present.length > 0);
        const text = present.map(([count, unit]) => `${count}${unit}`).join(spaced ? ' ' : '');
        const expected = present.reduce((sum, [count, , size]) => sum + (count as number) * size, 0);
        expect(parseDuration(text)).toBe(expected);
      }),
    );
  });

  test('property: formatDuration then parseDuration is the identity on whole seconds', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000_000 }), (seconds) => {
        const text = formatDuration(seconds);
        expect(text).toMatch(/^(\d+d)?(\d+h)?(\d+m)?(\d+s)?$/);
        expect(parseDuration(text)).toBe(seconds);
      }),
    );
  });

  test('property: millisecond fractions survive the round trip too', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 1_000_000_000 }).map((millis) => millis / 1000),
        (seconds) => {
          expect(parseDuration(formatDuration(seconds))).toBe(seconds);
        },
      ),
    );
  });
});

describe('clock times', () => {
  test('parseClockTime', () => {
    expect(parseClockTime('17:55')).toBe(64_500);
    expect(parseClockTime('07:00:30')).toBe(25_230);
    expect(parseClockTime('0:00')).toBe(0);
    expect(parseClockTime('24:00')).toBeUndefined();
    expect(parseClockTime('12:60')).toBeUndefined();
    expect(parseClockTime('noon')).toBeUndefined();
  });

  function atOf(start: string, timezone: string, at: string, duration = '3d'): number {
    const text = [
      'doppel: 1',
      'pack: swap',
      `start: ${start}`,
      `timezone: ${timezone}`,
      `duration: ${duration}`,
      'seed: 1',
      'swap: { stations: [{ id: s1, bays: 1 }] }',
      `interventions: [{ at: "${at}", asset: s1, action: restock_batteries, args: { n: 1 } }]`,
    ].join('\n');
    return loadScenarioText(text, { packs: testPacks, fileName: 'clock.yaml' }).interventions[0].at;
  }

  test('first occurrence at or after the start, in the scenario time zone', () => {
    expect(atOf('2026-06-01T00:00:00+02:00', 'Europe/Paris', '17:55')).toBe(64_500);
    // Start at 18:00 Paris: 17:55 is tomorrow.
    expect(atOf('2026-06-01T18:00:00+02:00', 'Europe/Paris', '17:55')).toBe(86_400 - 300);
    // The start itself counts.
    expect(atOf('2026-06-01T18:00:00+02:00', 'Europe/Paris', '18:00')).toBe(0);
    // Start given in UTC, clock read in Paris (UTC+2 in summer): 00:00Z is 02:00 Paris.
    expect(atOf('2026-06-01T00:00:00Z', 'Europe/Paris', '03:00')).toBe(3_600);
    expect(atOf('2026-06-01T00:00:00Z', 'America/New_York', '00:00')).toBe(4 * 3_600);
  });

  test('across a daylight-saving change the wall clock decides', () => {
    // Paris springs forward on 2026-03-29 at 02:00 (to 03:00): from midnight, 04:00 is 3 h later, not 4.
    expect(atOf('2026-03-29T00:00:00+01:00', 'Europe/Paris', '04:00')).toBe(3 * 3_600);
    // And falls back on 2026-10-25 at 03:00 (to 02:00): from midnight, 04:00 is 5 h later.
    expect(atOf('2026-10-25T00:00:00+02:00', 'Europe/Paris', '04:00')).toBe(5 * 3_600);
  });
});
