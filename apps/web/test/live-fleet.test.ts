import type { TwinLiveVehicle } from '@doppel/client';
import { describe, expect, it } from 'vitest';
import { ageText, linkText, liveCounts, liveExtent } from '../src/views/fleet/live-fleet.js';

const vehicle = (id: string, status: 'live' | 'stale', x: number, px: number): TwinLiveVehicle => ({
  vehicle_id: id,
  origin: 'live',
  status,
  ts: 1,
  age_ms: 10,
  stale_after_ms: 1000,
  sync_latency_ms: 3,
  measured: { x_m: x, y_m: 0, heading_deg: 0, speed_mps: 10, accel_mps2: 0 },
  predicted: { horizon_s: 3, x_m: px, y_m: 5, speed_mps: 10 },
  drift_m: null,
  accepted: 1,
  refused: 0,
});

describe('the live panel in words and numbers', () => {
  it('says how long ago in the unit people read', () => {
    expect(ageText(23.4)).toBe('23 ms');
    expect(ageText(999)).toBe('999 ms');
    expect(ageText(3_500)).toBe('3.5 s');
    expect(ageText(21_000)).toBe('21 s');
    expect(ageText(150_000)).toBe('2.5 min');
    expect(ageText(-1)).toBe('—');
  });

  it('names each state of the MQTT link with a status that is never colour alone', () => {
    const broker = 'mqtt://127.0.0.1:1883';
    expect(linkText({ mqtt: 'off', broker: null, since: null })).toEqual({
      text: 'MQTT off: telemetry over HTTP only',
      status: 'offline',
    });
    expect(linkText({ mqtt: 'connected', broker, since: 'x' })).toEqual({
      text: `MQTT connected to ${broker}`,
      status: 'ok',
    });
    expect(linkText({ mqtt: 'connecting', broker, since: 'x' }).status).toBe('warning');
    expect(linkText({ mqtt: 'reconnecting', broker, since: 'x' }).text).toMatch(/lost: reconnecting/);
    expect(linkText({ mqtt: 'unreachable', broker, since: 'x' })).toEqual({
      text: `MQTT: no broker at ${broker}`,
      status: 'critical',
    });
  });

  it('frames every measurement and prediction, and counts live and stale vehicles', () => {
    expect(liveExtent([])).toBeNull();
    const fleet = [vehicle('a', 'live', -10, 20), vehicle('b', 'stale', 50, 50)];
    expect(liveExtent(fleet, 0)).toEqual({ xMin: -10, xMax: 50, yMin: 0, yMax: 5 });
    expect(liveCounts(fleet)).toEqual({ live: 1, stale: 1 });
  });
});
