import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActuatorChannel } from '../src/models/actuators.js';
import {
  analyticStoppingDistance,
  kineticEnergy,
  newBody,
  stepBody,
  type ActuatorOutputs,
} from '../src/models/dynamics.js';
import { G, MODEL_TYPES, vehicleParams } from '../src/models/vehicle-types.js';
import { WEATHER_EFFECTS, WEATHERS } from '../src/models/weather.js';

const DT = 0.01;

/** Drives at v0 for the reaction time, then brakes fully until standstill; returns the distance covered. */
function emergencyStop(params: ReturnType<typeof vehicleParams>, v0: number, mu: number, reactionS: number): number {
  const body = newBody(0, 0, 0, v0);
  const road = { mu, grade_rad: 0 };
  const coast: ActuatorOutputs = { throttle: 0, brake: 0, steer_rad: 0, brake_effectiveness: 1 };
  const full: ActuatorOutputs = { ...coast, brake: 1 };
  const reactionSteps = Math.round(reactionS / DT);
  // Reaction: the speed is held (the driver keeps the throttle where it was), so the distance is v0·t_r.
  for (let k = 0; k < reactionSteps; k++) {
    stepBody(params, body, coast, road, DT);
    body.v = v0;
  }
  const reaction = reactionSteps * DT * v0;
  body.odometer = reaction;
  for (let k = 0; k < 100_000 && body.v > 0; k++) stepBody(params, body, full, road, DT);
  return body.odometer;
}

describe('longitudinal dynamics', () => {
  it.each(WEATHERS)('stops within 1%% of v²/(2µg) + v·t_r on %s', (weather) => {
    const mu = WEATHER_EFFECTS[weather].mu;
    const params = vehicleParams('sedan', { drag_coefficient: 0, rolling_resistance: 0, max_brake_force_n: 1e6 });
    for (const kmh of [30, 50, 80, 120]) {
      const v0 = kmh / 3.6;
      const reference = (v0 * v0) / (2 * mu * G) + v0 * 1.0;
      const simulated = emergencyStop(params, v0, mu, 1.0);
      expect(Math.abs(simulated - reference) / reference).toBeLessThan(0.01);
    }
  });

  it.each(MODEL_TYPES)('a %s with drag and rolling resistance stops within 1%% of the closed form', (type) => {
    const params = vehicleParams(type);
    for (const weather of WEATHERS) {
      const mu = WEATHER_EFFECTS[weather].mu;
      for (const kmh of [50, 100]) {
        const v0 = kmh / 3.6;
        const reference = analyticStoppingDistance(params, v0, mu, 0.5);
        const simulated = emergencyStop(params, v0, mu, 0.5);
        expect(Math.abs(simulated - reference) / reference).toBeLessThan(0.01);
      }
    }
  });

  it('is power-limited at speed and force-limited at low speed', () => {
    const params = vehicleParams('sedan');
    const body = newBody(0, 0, 0, 0);
    const road = { mu: 0.85, grade_rad: 0 };
    stepBody(params, body, { throttle: 1, brake: 0, steer_rad: 0, brake_effectiveness: 1 }, road, DT);
    expect(body.a).toBeCloseTo(params.max_drive_force_n / params.mass_kg, 2);
    body.v = 40;
    stepBody(params, body, { throttle: 1, brake: 0, steer_rad: 0, brake_effectiveness: 1 }, road, DT);
    const drive = (params.max_power_kw * 1000) / 40;
    expect(body.a).toBeLessThan(drive / params.mass_kg);
  });

  it('balances energy: drive − brake − aero − roll − grade = ΔKE for any pedal sequence', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MODEL_TYPES),
        fc.double({ min: 0, max: 40, noNaN: true }),
        fc.double({ min: -0.08, max: 0.08, noNaN: true }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), {
          minLength: 1,
          maxLength: 300,
        }),
        (type, v0, grade, pedals) => {
          const params = vehicleParams(type);
          const body = newBody(0, 0, 0, v0);
          const ke0 = kineticEnergy(params, body);
          for (const [throttle, brake] of pedals) {
            stepBody(
              params,
              body,
              { throttle, brake, steer_rad: 0, brake_effectiveness: 1 },
              { mu: 0.8, grade_rad: grade },
              DT,
            );
          }
          const e = body.energy;
          const work = e.drive_j - e.brake_j - e.aero_j - e.roll_j - e.grade_j;
          const delta = kineticEnergy(params, body) - ke0;
          expect(Math.abs(work - delta)).toBeLessThan(
            1e-6 * Math.max(1, Math.abs(e.drive_j) + Math.abs(e.brake_j) + ke0),
          );
          expect(body.v).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('lateral dynamics (kinematic bicycle)', () => {
  it('drives a circle of radius L / tan δ', () => {
    for (const deg of [2, 5, 10, 20]) {
      const params = vehicleParams('sedan');
      const delta = (deg * Math.PI) / 180;
      const radius = params.wheelbase_m / Math.tan(delta);
      // Slow enough that the lateral acceleration stays within the grip.
      const v = Math.min(10, Math.sqrt(0.5 * 0.85 * G * radius));
      const body = newBody(0, 0, 0, v);
      const road = { mu: 0.85, grade_rad: 0 };
      const xs: number[] = [];
      const ys: number[] = [];
      for (let k = 0; k < 4000; k++) {
        stepBody(params, body, { throttle: 0, brake: 0, steer_rad: delta, brake_effectiveness: 1 }, road, DT);
        body.v = v;
        xs.push(body.x);
        ys.push(body.y);
      }
      // Centre of a left turn from the origin heading +x is (0, R).
      for (let k = 0; k < xs.length; k += 97) {
        expect(Math.hypot(xs[k] as number, (ys[k] as number) - radius) / radius).toBeCloseTo(1, 6);
      }
    }
  });

  it('runs wide when the steering asks for more grip than the road has', () => {
    const params = vehicleParams('sedan');
    const body = newBody(0, 0, 0, 20);
    stepBody(
      params,
      body,
      { throttle: 0, brake: 0, steer_rad: 0.2, brake_effectiveness: 1 },
      { mu: 0.1, grade_rad: 0 },
      DT,
    );
    expect(body.sliding).toBe(true);
    expect(Math.abs(body.lat_a)).toBeCloseTo(0.1 * G, 6);
  });
});

describe('actuators', () => {
  it('stays within saturation and moves no faster than its rate limit', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0.1, max: 20, noNaN: true }),
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (lag, rate, commands) => {
          const ch = new ActuatorChannel(lag, rate, -1, 1);
          for (const c of commands) {
            const before = ch.output;
            ch.command = c;
            ch.step(DT);
            expect(ch.output).toBeGreaterThanOrEqual(-1);
            expect(ch.output).toBeLessThanOrEqual(1);
            expect(Math.abs(ch.output - before)).toBeLessThanOrEqual(rate * DT + 1e-12);
          }
        },
      ),
    );
  });

  it('follows a step through a first-order lag: 63% after one time constant', () => {
    const ch = new ActuatorChannel(0.2, 1000, 0, 1);
    ch.command = 1;
    for (let k = 0; k < 20; k++) ch.step(DT);
    expect(ch.output).toBeCloseTo(1 - Math.exp(-1), 6);
  });
});
