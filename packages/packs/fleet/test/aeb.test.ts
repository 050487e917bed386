import { describe, expect, it } from 'vitest';
import { runToEnd, stationaryTarget } from './helpers.js';

describe('AEB against a stationary car (CCRs shape)', () => {
  it.each([10, 20, 30, 40, 50, 60, 70])('avoids the collision from %s km/h on a dry road', (kmh) => {
    const { world, ego } = stationaryTarget(kmh);
    runToEnd(world);
    expect(ego.metrics.collided).toBe(false);
    expect(ego.body.v).toBe(0);
    expect(ego.metrics.min_gap).toBeGreaterThan(0);
    expect(ego.metrics.stopping_distance).not.toBeNull();
  });

  it('reports the impact speed where it cannot avoid: 130 km/h on a dry road', () => {
    const { world, ego } = stationaryTarget(130);
    runToEnd(world);
    expect(ego.metrics.collided).toBe(true);
    expect(ego.metrics.collided_with).toBe('target');
    // The braking it managed before impact lowers the impact speed well below the initial speed.
    expect(ego.metrics.impact_speed * 3.6).toBeGreaterThan(1);
    expect(ego.metrics.impact_speed * 3.6).toBeLessThan(110);
  });

  it('hits at nearly full speed with AEB off', () => {
    const { world, ego } = stationaryTarget(50, {
      behaviour: {
        aeb: { enabled: false, warning_ttc_s: 2.8, partial_ttc_s: 2.1, full_ttc_s: 1.5, partial_decel_mps2: 4 },
        stop_at_end: false,
      },
    });
    runToEnd(world);
    expect(ego.metrics.collided).toBe(true);
    expect(ego.metrics.impact_speed * 3.6).toBeGreaterThan(45);
  });

  it('collides on ice at 50 km/h where it stops on a dry road, and says how fast', () => {
    const { world, ego } = stationaryTarget(50, { weather: 'ice', behaviour: { weather_adaptation: false } });
    runToEnd(world);
    expect(ego.metrics.collided).toBe(true);
    expect(ego.metrics.impact_speed).toBeGreaterThan(0);
  });

  it('is deterministic: the same seed gives the same run', () => {
    const a = stationaryTarget(60, { seed: 7 });
    const b = stationaryTarget(60, { seed: 7 });
    runToEnd(a.world);
    runToEnd(b.world);
    expect(a.ego.metrics).toEqual(b.ego.metrics);
    expect(a.ego.body).toEqual(b.ego.body);
  });
});
