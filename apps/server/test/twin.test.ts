import { beforeAll, describe, expect, it } from 'vitest';
import { appPerFile } from './test-app.js';

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** The samples of a Prometheus text exposition (no escaped quotes in our label values). */
function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[pair[1] as string] = pair[2] as string;
    out.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return out;
}

/** Seed 001's Twin API through a real socket, as the quick-start curls use it. */
describe('Twin API (seed 001) on the fleet pack', () => {
  const server = appPerFile('twin');
  let key: string;
  let base: string;

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(base + path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    key = await server.keyFor('fleet-ops', ['read', 'write']);
    await server.built.app.listen({ host: '127.0.0.1', port: 0 });
    const address = server.built.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    base = `http://127.0.0.1:${address.port}`;
  });

  it('runs the quick start: vehicle, emergency braking at 60 km/h, run, results with a verdict, state, health', async () => {
    const vehicle = await call('POST', '/api/v1/twin/vehicles', { physical_vehicle_id: 'AV-001', model_type: 'sedan' });
    expect(vehicle.status).toBe(201);
    expect(vehicle.json).toMatchObject({ id: 'twin-001', physical_vehicle_id: 'AV-001', model_type: 'sedan' });

    const idle = await call('GET', '/api/v1/twin/vehicles/twin-001/state');
    expect(idle.status).toBe(200);
    expect(idle.json).toMatchObject({ status: 'idle', position: { x_m: 0, y_m: 0 }, speed_mps: 0 });

    const scenario = await call('POST', '/api/v1/twin/scenarios', {
      type: 'emergency_braking',
      vehicle_id: 'twin-001',
      initial_speed: 60,
    });
    expect(scenario.status).toBe(201);
    const simId = scenario.json.simulation_id as string;
    expect(simId).toMatch(/^sim/);
    expect(scenario.json.scenario).toMatchObject({
      type: 'emergency_braking',
      vehicle_id: 'twin-001',
      model_type: 'sedan',
      params: { initial_speed: 60, target: 'stationary' },
    });

    const run = await call('POST', `/api/v1/twin/simulations/${simId}/run`);
    expect(run.status, JSON.stringify(run.json)).toBe(200);
    expect(run.json).toMatchObject({
      simulation_id: simId,
      status: 'finished',
      verdict: 'pass',
      scenario_type: 'emergency_braking',
    });
    const criteria = run.json.criteria as { name: string; value: unknown; limit: unknown; passed: boolean }[];
    expect(criteria).toContainEqual(
      expect.objectContaining({ name: 'no collision', value: false, limit: false, passed: true }),
    );
    const scores = run.json.scores as Record<string, number | boolean | null>;
    expect(scores.collision).toBe(false);
    expect(scores.min_ttc_s).toBeGreaterThan(0);
    expect(scores.stopping_distance_m).toBeGreaterThan(10);
    expect(scores.peak_decel_mps2).toBeGreaterThan(7);

    const results = await call('GET', `/api/v1/twin/results/${simId}`);
    expect(results.json).toMatchObject({ verdict: 'pass', criteria: run.json.criteria, scores: run.json.scores });

    const state = await call('GET', '/api/v1/twin/vehicles/twin-001/state');
    expect(state.json).toMatchObject({ simulation_id: simId, status: 'finished', speed_mps: 0 });
    expect((state.json.position as { x_m: number }).x_m).toBeGreaterThan(50);
    expect(state.json.actuator_commands).toHaveProperty('brake');
    expect(Array.isArray(state.json.detections)).toBe(true);
    expect((state.json.detections as { object_id: string | null }[]).some((d) => d.object_id === 'target')).toBe(true);

    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
  });

  it('judges a failing case as fail with the impact speed, and a truck differently from a sedan', async () => {
    const truck = await call('POST', '/api/v1/twin/vehicles', { physical_vehicle_id: 'TRK-7', model_type: 'truck' });
    const scenario = await call('POST', '/api/v1/twin/scenarios', {
      type: 'emergency_braking',
      vehicle_id: truck.json.id,
      initial_speed: 130,
    });
    expect(scenario.json.scenario).toMatchObject({ model_type: 'truck' });
    const run = await call('POST', `/api/v1/twin/simulations/${scenario.json.simulation_id as string}/run`);
    expect(run.json.verdict).toBe('fail');
    expect((run.json.scores as { impact_speed_kmh: number }).impact_speed_kmh).toBeGreaterThan(0);
  });

  it('publishes its SLOs on /metrics: real-time factor and scenario accuracy against the analytic stop', async () => {
    const scenario = await call('POST', '/api/v1/twin/scenarios', { type: 'emergency_braking', initial_speed: 70 });
    const run = await call('POST', `/api/v1/twin/simulations/${scenario.json.simulation_id as string}/run`);
    expect(run.json.verdict).toBe('pass');
    const accuracy = (run.json.scores as { braking_accuracy: number }).braking_accuracy;

    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const samples = parsePrometheus(await response.text());
    const value = (name: string, labels: Record<string, string>): number | undefined =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

    expect(value('doppel_slo_target', { slo: 'fleet_realtime_factor' })).toBe(1);
    expect(value('doppel_slo_target', { slo: 'fleet_scenario_accuracy' })).toBe(0.95);
    const eb = { scenario_type: 'emergency_braking' };
    // A 2-minute scenario that ends at standstill after a few seconds runs far faster than real time.
    // (From 70 km/h the AEB brakes at the friction limit: below about 45 km/h partial braking suffices.)
    expect(value('doppel_fleet_realtime_factor_last', eb)).toBeGreaterThan(1);
    expect(value('doppel_fleet_realtime_factor_count', eb)).toBeGreaterThanOrEqual(1);
    // The last accuracy is this run's: its stop against µ·g plus rolling resistance and drag, within the SLO.
    expect(value('doppel_fleet_scenario_accuracy_last', { ...eb, reference: 'braking' })).toBe(accuracy);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    expect(value('doppel_fleet_scenario_accuracy_bucket', { ...eb, reference: 'braking', le: '0.95' })).toBe(0);
    expect(value('doppel_fleet_runs_total', { ...eb, verdict: 'pass' })).toBeGreaterThanOrEqual(1);
  });

  it('creates scenarios of other types of the library', async () => {
    for (const type of ['pedestrian_crossing', 'construction_zones']) {
      const scenario = await call('POST', '/api/v1/twin/scenarios', { type });
      expect(scenario.status, type).toBe(201);
    }
  });

  it('refuses bad requests with located problems', async () => {
    const unknownType = await call('POST', '/api/v1/twin/scenarios', { type: 'moon_landing' });
    expect(unknownType.status).toBe(422);
    expect(unknownType.json.code).toBe('DOPPEL_ERR_VALIDATION');
    expect(JSON.stringify(unknownType.json.issues)).toContain('body.type');
    const badSpeed = await call('POST', '/api/v1/twin/scenarios', { type: 'emergency_braking', initial_speed: 900 });
    expect(badSpeed.status).toBe(422);
    expect(JSON.stringify(badSpeed.json.issues)).toContain('body.initial_speed');
    const unknownParam = await call('POST', '/api/v1/twin/scenarios', { type: 'emergency_braking', warp: 9 });
    expect(unknownParam.status).toBe(422);
    expect(JSON.stringify(unknownParam.json)).toContain('warp');
    const unknownVehicle = await call('POST', '/api/v1/twin/scenarios', {
      type: 'emergency_braking',
      vehicle_id: 'twin-999',
    });
    expect(unknownVehicle.status).toBe(422);
    expect(JSON.stringify(unknownVehicle.json.issues)).toContain('body.vehicle_id');
    const badModel = await call('POST', '/api/v1/twin/vehicles', { physical_vehicle_id: 'X', model_type: 'rocket' });
    expect(badModel.status).toBe(422);
    const missing = await call('GET', '/api/v1/twin/vehicles/twin-404/state');
    expect(missing.status).toBe(404);
    expect(missing.json.code).toBe('DOPPEL_ERR_NOT_FOUND');
  });
});
