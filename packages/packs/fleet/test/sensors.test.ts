import { createNamedStream } from '@doppel/engine';
import { describe, expect, it } from 'vitest';
import type { WorldObject } from '../src/models/objects.js';
import { Sensor, sensorSpec, type SensorPose } from '../src/models/sensors.js';

const DT = 0.01;
const pose: SensorPose = { x: 0, y: 0, heading: 0, vx: 10, vy: 0 };
const car = (id: string, x: number, y = 0): WorldObject => ({
  id,
  cls: 'vehicle',
  x,
  y,
  heading: 0,
  v: 0,
  length: 4.5,
  width: 1.8,
});

function radar(seed = 1, extra: Record<string, number> = {}): Sensor {
  return new Sensor(
    sensorSpec({ type: 'radar', false_rate_hz: 0, p_detect_vehicle: 1, ...extra }),
    'dry',
    DT,
    createNamedStream(seed, 'radar'),
    0,
  );
}

function run(sensor: Sensor, objects: WorldObject[], from: number, steps: number): void {
  for (let k = from; k < from + steps; k++) sensor.step(k, k * DT, pose, objects, null);
}

describe('sensor models', () => {
  it('detects within range and field of view only, after its latency', () => {
    const s = radar();
    const objects = [car('ahead', 50), car('far', 400), car('aside', 5, 30)];
    s.step(0, 0, pose, objects, null);
    expect(s.output).toEqual([]);
    run(s, objects, 1, 10);
    expect(s.output.map((d) => d.object_id)).toEqual(['ahead']);
    expect(s.output[0]?.range_m).toBeCloseTo(50 - 2.25, 0);
  });

  it('dropout: publishes no detections while the fault lasts', () => {
    const s = radar();
    const objects = [car('ahead', 50)];
    run(s, objects, 0, 20);
    expect(s.output).toHaveLength(1);
    s.faults.dropout = true;
    run(s, objects, 20, 20);
    expect(s.output).toEqual([]);
    s.faults.dropout = false;
    run(s, objects, 40, 20);
    expect(s.output).toHaveLength(1);
  });

  it('frozen: repeats the last frame while the world moves on', () => {
    const s = radar();
    const objects = [car('ahead', 50)];
    run(s, objects, 0, 20);
    const frozen = s.output;
    s.faults.frozen = true;
    const moved = [car('ahead', 20)];
    run(s, moved, 20, 50);
    expect(s.output).toBe(frozen);
    expect(s.output[0]?.range_m).toBeGreaterThan(40);
    s.faults.frozen = false;
    run(s, moved, 70, 20);
    expect(s.output[0]?.range_m).toBeLessThan(20);
  });

  it('bias: shifts every range and bearing by the bias, draw for draw', () => {
    const clean = radar(3);
    const biased = radar(3);
    biased.faults.bias_range_m = 2.5;
    biased.faults.bias_bearing_deg = 1.5;
    const objects = [car('a', 40), car('b', 80, 5)];
    run(clean, objects, 0, 30);
    run(biased, objects, 0, 30);
    expect(biased.output).toHaveLength(clean.output.length);
    clean.output.forEach((d, i) => {
      expect((biased.output[i]?.range_m ?? 0) - d.range_m).toBeCloseTo(2.5, 9);
      expect((biased.output[i]?.bearing_deg ?? 0) - d.bearing_deg).toBeCloseTo(1.5, 9);
    });
  });

  it('fog shortens a camera far more than a radar', () => {
    const cam = new Sensor(sensorSpec({ type: 'camera' }), 'fog', DT, createNamedStream(1, 'c'), 0);
    const rad = new Sensor(sensorSpec({ type: 'radar' }), 'fog', DT, createNamedStream(1, 'r'), 0);
    expect(cam.effectiveRange).toBeLessThan(0.3 * sensorSpec({ type: 'camera' }).range_m);
    expect(rad.effectiveRange).toBeGreaterThan(0.8 * sensorSpec({ type: 'radar' }).range_m);
  });

  it('false detections carry no ground-truth id', () => {
    const s = new Sensor(sensorSpec({ type: 'radar', false_rate_hz: 20 }), 'dry', DT, createNamedStream(1, 'g'), 0);
    run(s, [], 0, 200);
    const all = s.output;
    expect(all.every((d) => d.object_id === null && d.cls === 'unknown')).toBe(true);
  });
});
