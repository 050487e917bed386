import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ASSET_STATUSES,
  DEFAULT_RADIUS,
  STATUS_COLOR,
  STATUS_GLYPH,
  STATUS_SHAPE,
  densityScale,
  STATUS_TEXT_COLOR,
  machineColor,
  queueRadius,
} from '../src/lib/scales.js';
import { extentOf, fitProjection, gridSteps, hitTest } from '../src/lib/projection.js';

describe('status scale', () => {
  it('gives each status a distinct colour, shape and glyph (colour is never the only cue)', () => {
    for (const table of [STATUS_COLOR, STATUS_SHAPE, STATUS_GLYPH]) {
      expect(new Set(ASSET_STATUSES.map((s) => table[s])).size).toBe(ASSET_STATUSES.length);
    }
  });

  it('writes status text in colours with WCAG AA contrast on white (4.5:1)', () => {
    const luminance = (hex: string): number => {
      const [r, g, b] = [1, 3, 5].map((i) => {
        const c = parseInt(hex.slice(i, i + 2), 16) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    for (const s of ASSET_STATUSES) {
      expect(1.05 / (luminance(STATUS_TEXT_COLOR[s]) + 0.05) >= 4.5, s).toBe(true);
    }
  });

  it('colours machine states and greys unknown ones', () => {
    expect(machineColor('EXECUTE')).toBe('#2f9e5b');
    expect(machineColor('DOWN')).toBe('#d9423b');
    expect(machineColor('SOMETHING')).toBe('#8c929c');
  });
});

describe('queue → radius', () => {
  it('is monotone and bounded', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.nat(500), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const rl = queueRadius(lo);
        const rh = queueRadius(hi);
        return rl <= rh && rl >= DEFAULT_RADIUS.min && rh <= DEFAULT_RADIUS.max;
      }),
    );
  });

  it('gives the minimum for empty or invalid queues and the maximum at saturation', () => {
    expect(queueRadius(0)).toBe(DEFAULT_RADIUS.min);
    expect(queueRadius(-3)).toBe(DEFAULT_RADIUS.min);
    expect(queueRadius(Number.NaN)).toBe(DEFAULT_RADIUS.min);
    expect(queueRadius(DEFAULT_RADIUS.saturateAt)).toBe(DEFAULT_RADIUS.max);
  });

  it('shrinks dots on crowded maps, never below 45 %', () => {
    expect(densityScale(10, 1000, 700).max).toBe(DEFAULT_RADIUS.max);
    expect(densityScale(1000, 1000, 700).max).toBeLessThan(DEFAULT_RADIUS.max);
    expect(densityScale(1e6, 100, 100).min).toBeCloseTo(DEFAULT_RADIUS.min * 0.45);
  });
});

describe('map projection', () => {
  const paris = { lat_min: 48.815, lat_max: 48.902, lon_min: 2.224, lon_max: 2.469 };

  it('fits the extent inside the canvas and inverts exactly', () => {
    const p = fitProjection(paris, 800, 600, 20);
    for (const [lat, lon] of [
      [paris.lat_min, paris.lon_min],
      [paris.lat_max, paris.lon_max],
    ]) {
      const x = p.toX(lon);
      const y = p.toY(lat);
      expect(x).toBeGreaterThanOrEqual(19.999);
      expect(x).toBeLessThanOrEqual(780.001);
      expect(y).toBeGreaterThanOrEqual(19.999);
      expect(y).toBeLessThanOrEqual(580.001);
      expect(p.toLon(x)).toBeCloseTo(lon, 9);
      expect(p.toLat(y)).toBeCloseTo(lat, 9);
    }
    // North is up.
    expect(p.toY(paris.lat_max)).toBeLessThan(p.toY(paris.lat_min));
  });

  it('finds the nearest marker under the pointer', () => {
    const xs = new Float32Array([10, 50, 54]);
    const ys = new Float32Array([10, 50, 50]);
    const rs = new Float32Array([5, 5, 5]);
    expect(hitTest(xs, ys, rs, 3, 53, 50)).toBe(2);
    expect(hitTest(xs, ys, rs, 3, 11, 9)).toBe(0);
    expect(hitTest(xs, ys, rs, 3, 200, 200)).toBe(-1);
  });

  it('pads the extent of points and picks readable grid steps', () => {
    const e = extentOf([
      { lat: 48.85, lon: 2.3 },
      { lat: 48.87, lon: 2.4 },
    ]);
    expect(e?.lat_min).toBeLessThan(48.85);
    expect(e?.lon_max).toBeGreaterThan(2.4);
    expect(extentOf([])).toBeNull();
    const g = gridSteps(paris);
    expect([0.01, 0.02, 0.05]).toContain(g.step);
    expect(g.lon.length).toBeGreaterThan(3);
  });
});
