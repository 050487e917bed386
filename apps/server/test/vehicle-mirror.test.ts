import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { predict, STALE_AFTER_MS, VehicleMirror } from '../src/live/vehicle-mirror.js';

const sample = fc.record({
  ts: fc.integer({ min: 1, max: 10_000 }),
  x_m: fc.double({ min: -1000, max: 1000, noNaN: true }),
  y_m: fc.double({ min: -1000, max: 1000, noNaN: true }),
  heading_deg: fc.double({ min: -180, max: 180, noNaN: true }),
  speed_mps: fc.double({ min: 0, max: 60, noNaN: true }),
  accel_mps2: fc.double({ min: -10, max: 5, noNaN: true }),
});

describe('the live vehicle mirror', () => {
  it('keeps the newest sample whatever order samples arrive in, refusing and counting every older one', () => {
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 40 }), (samples) => {
        const mirror = new VehicleMirror(() => 20_000);
        let accepted = 0;
        let newest = -1;
        for (const s of samples) {
          const outcome = mirror.accept('v', s);
          expect(outcome.ok).toBe(s.ts > newest);
          if (outcome.ok) {
            accepted += 1;
            newest = s.ts;
          }
        }
        const view = mirror.view('v')!;
        expect(view.ts).toBe(newest);
        expect(view.accepted).toBe(accepted);
        expect(view.refused).toBe(samples.length - accepted);
        const last = samples.filter((s) => s.ts === newest)[0]!;
        expect(view.measured.x_m).toBe(last.x_m);
      }),
    );
  });

  it('predicts along the heading and never backwards: a braking vehicle stops', () => {
    fc.assert(
      fc.property(sample, fc.double({ min: 0, max: 30, noNaN: true }), (s, dt) => {
        const p = predict(s, dt);
        expect(p.speed_mps).toBeGreaterThanOrEqual(0);
        const h = (s.heading_deg * Math.PI) / 180;
        const along = (p.x_m - s.x_m) * Math.cos(h) + (p.y_m - s.y_m) * Math.sin(h);
        expect(along).toBeGreaterThanOrEqual(-1e-6);
      }),
    );
    expect(predict({ ts: 1, x_m: 0, y_m: 0, heading_deg: 0, speed_mps: 10, accel_mps2: -5 }, 10)).toEqual({
      x_m: 10,
      y_m: 0,
      speed_mps: 0,
    });
  });

  it('marks a vehicle stale once it has been silent for longer than a second', () => {
    let now = 1_000;
    const mirror = new VehicleMirror(() => now);
    mirror.accept('v', { ts: 1_000, x_m: 0, y_m: 0, heading_deg: 0, speed_mps: 0, accel_mps2: 0 });
    now += STALE_AFTER_MS;
    expect(mirror.view('v')?.status).toBe('live');
    now += 1;
    expect(mirror.view('v')?.status).toBe('stale');
    expect(mirror.counts()).toEqual({ live: 0, stale: 1 });
  });

  it('says how it is fed over MQTT, naming the broker without its credentials', () => {
    let now = Date.parse('2026-12-03T10:00:00Z');
    const mirror = new VehicleMirror(() => now);
    expect(mirror.link).toEqual({ mqtt: 'off', broker: null, since: null });
    mirror.setLink('connecting', 'mqtt://fleet:s3cret@broker.example:1883');
    expect(mirror.link).toEqual({
      mqtt: 'connecting',
      broker: 'mqtt://broker.example:1883',
      since: '2026-12-03T10:00:00.000Z',
    });
    now += 500;
    mirror.setLink('connected', 'mqtt://fleet:s3cret@broker.example:1883');
    now += 500;
    // The same state again keeps the instant it was entered.
    mirror.setLink('connected', 'mqtt://fleet:s3cret@broker.example:1883');
    expect(mirror.link).toMatchObject({ mqtt: 'connected', since: '2026-12-03T10:00:00.500Z' });
    expect(JSON.stringify(mirror.link)).not.toContain('s3cret');
  });
});
