import { describe, expect, it } from 'vitest';
import { fragmentWithoutKey, keyFromFragment } from '../src/api/session.js';
import { parseRoute, routeHref } from '../src/lib/router.js';

describe('start URL fragment', () => {
  it('reads the key from the fragment', () => {
    expect(keyFromFragment('#key=dk_abc123')).toBe('dk_abc123');
    expect(keyFromFragment('#/city/sim-1&key=a%2Bb')).toBe('a+b');
    expect(keyFromFragment('#/city/sim-1')).toBeNull();
    expect(keyFromFragment('#key=')).toBeNull();
  });

  it('drops the key and opens the city by default', () => {
    expect(fragmentWithoutKey('#key=abc')).toBe('#/city');
    expect(fragmentWithoutKey('#/line/x&key=abc')).toBe('#/line/x');
  });
});

describe('routes', () => {
  it('round-trips every view', () => {
    for (const hash of [
      '#/',
      '#/new',
      '#/city',
      '#/city/sim%201',
      '#/city/s1?asset=station_01',
      '#/line/l1',
      '#/compare/a/b',
      '#/fmus',
      '#/fmus/fmu_1',
    ]) {
      expect(routeHref(parseRoute(hash))).toBe(hash);
    }
    expect(parseRoute('#/nowhere')).toEqual({ view: 'simulations' });
  });
});
