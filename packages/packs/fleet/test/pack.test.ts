import { MemoryLedgerStore, Simulation, loadScenarioFile, loadScenarioText, type ScenarioError } from '@doppel/twin';
import { describe, expect, it } from 'vitest';
import { fleetPack, SCENARIO_TYPES, type CaseResult } from '../src/index.js';

const packs = [fleetPack];
const yaml = (test: string, extra = ''): string => `doppel: 1
name: t
pack: fleet
duration: 40s
seed: 3
fleet:
${extra}  test:
${test}`;

async function run(text: string) {
  const scenario = loadScenarioText(text, { packs, fileName: 'test.yaml' });
  const store = new MemoryLedgerStore();
  const sim = await Simulation.create({ scenario, packs, store, validateUpdates: true });
  sim.runToEnd();
  await sim.flush();
  const ledger = await store.query({ simId: sim.id, limit: 1_000_000 });
  const summary = sim.summary();
  return {
    sim,
    ledger,
    summary,
    pack: summary.pack_summary as unknown as {
      verdict: string;
      cases: CaseResult[];
      criteria: { name: string; value: unknown; limit: unknown; passed: boolean }[];
      scores: Record<string, unknown>;
    },
  };
}

describe('fleet pack on the twin', () => {
  it('runs the shipped CCRs example to a pass verdict, with the AEB stages and the verdict in the ledger', async () => {
    const scenario = loadScenarioFile(
      new URL('../../../../examples/fleet/emergency-braking.yaml', import.meta.url).pathname,
      { packs },
    );
    const store = new MemoryLedgerStore();
    const sim = await Simulation.create({ scenario, packs, store, validateUpdates: true });
    sim.runToEnd();
    await sim.flush();
    const ledger = await store.query({ simId: sim.id, limit: 1_000_000 });
    const pack = sim.summary().pack_summary as unknown as {
      verdict: string;
      scores: Record<string, unknown>;
      criteria: { passed: boolean }[];
    };
    expect(pack.verdict).toBe('pass');
    expect(pack.criteria.every((c) => c.passed)).toBe(true);
    expect(pack.scores.collision).toBe(false);
    const types = ledger.map((e) => e.eventType);
    const stages = ledger.filter((e) => e.eventType === 'AEB_STATE_CHANGED').map((e) => (e.meta as { to: string }).to);
    expect(stages).toContain('warning');
    expect(stages).toContain('full');
    expect(stages.indexOf('warning')).toBeLessThan(stages.indexOf('full'));
    expect(types).toContain('CASE_FINISHED');
    expect(types).toContain('VEHICLE_FINISHED');
  });

  it('is deterministic: the same scenario and seed give the same ledger hash, another seed another one', async () => {
    const text = yaml('    type: pedestrian_crossing\n    params: { initial_speed: 40 }\n');
    const a = await run(text);
    const b = await run(text);
    const c = await run(text.replace('seed: 3', 'seed: 4'));
    expect(a.summary.ledger_sha256).toBe(b.summary.ledger_sha256);
    expect(c.summary.ledger_sha256).not.toBe(a.summary.ledger_sha256);
  });

  it('is deterministic with many vehicles: a platoon sorted into the spatial index gives the same ledger twice', async () => {
    // Vehicles and sensors are visited in index order and each draw follows that order: two runs must agree record
    // for record, not only in the hash.
    const text = yaml('    type: traffic_flow\n    params: { vehicles: 12, duration_s: 8 }\n').replace('40s', '8s');
    const a = await run(text);
    const b = await run(text);
    expect(a.ledger.length).toBeGreaterThan(12 * 8 * 10);
    expect(b.ledger.map((e) => JSON.stringify(e.newValue))).toEqual(a.ledger.map((e) => JSON.stringify(e.newValue)));
    expect(a.summary.ledger_sha256).toBe(b.summary.ledger_sha256);
  });

  it('samples vehicle states at ledger.sample_hz, not at the model rate', async () => {
    const at10 = await run(yaml('    type: emergency_braking\n    params: { initial_speed: 50 }\n'));
    const at2 = await run(
      yaml('    type: emergency_braking\n    params: { initial_speed: 50 }\n', '  ledger: { sample_hz: 2 }\n'),
    );
    const samples = (l: typeof at10.ledger) =>
      l.filter((e) => e.eventType === 'VEHICLE_STATE' && e.assetId === 'ego').length;
    const duration = at10.pack.scores.duration_s as number;
    expect(samples(at10.ledger)).toBeGreaterThan(duration * 10 - 3);
    expect(samples(at10.ledger)).toBeLessThanOrEqual(duration * 10 + 1);
    expect(samples(at2.ledger)).toBeLessThanOrEqual(duration * 2 + 1);
  });

  it('sweeps a parameter into one case per value, each with its own assets and verdict', async () => {
    const { sim, pack } = await run(yaml('    type: emergency_braking\n    sweep: { initial_speed: [20, 130] }\n'));
    expect(pack.cases.map((c) => c.case)).toEqual(['case@20', 'case@130']);
    expect(sim.asset('ego@20')).toBeDefined();
    expect(sim.asset('target@130')).toBeDefined();
    expect(pack.cases[0]?.verdict).toBe('pass');
    // 130 km/h is beyond what the AEB can avoid: it fails, with the impact speed it reports.
    expect(pack.cases[1]?.verdict).toBe('fail');
    expect(pack.cases[1]?.scores.impact_speed_kmh as number).toBeGreaterThan(0);
    expect(pack.verdict).toBe('fail');
    expect(pack.criteria.map((c) => c.name)).toEqual(['case@20: no collision', 'case@130: no collision']);
  });

  it('reports a wrong test parameter at its place in the file', () => {
    const text = yaml('    type: emergency_braking\n    params:\n      initial_speed: 900\n');
    let error: ScenarioError | null = null;
    try {
      loadScenarioText(text, { packs, fileName: 'bad.yaml' });
    } catch (e) {
      error = e as ScenarioError;
    }
    expect(error?.code).toBe('DOPPEL_ERR_SCENARIO_INVALID');
    const issue = error?.issues[0];
    expect(issue?.path).toContain('initial_speed');
    expect(issue?.line).toBe(10);
  });

  it('a scheduled radar dropout empties the radar detections in the ledger, and the others still stop the car', async () => {
    const text = yaml('    type: emergency_braking\n    params: { initial_speed: 50 }\n').replace(
      'fleet:\n',
      'interventions:\n  - { at: 0.5, asset: ego, action: inject_sensor_fault, args: { sensor: radar, fault: dropout } }\nfleet:\n',
    );
    const { ledger, pack } = await run(text);
    const after = ledger.filter((e) => e.assetId === 'ego' && e.simTime > 1 && e.eventType === 'VEHICLE_STATE');
    const radarSeen = after.some((e) => JSON.stringify(e.newValue).includes('"sensor":"radar"'));
    const otherSeen = after.some((e) => JSON.stringify(e.newValue).includes('"sensor":"lidar"'));
    expect(radarSeen).toBe(false);
    expect(otherSeen).toBe(true);
    expect(pack.verdict).toBe('pass');
  });

  it("a vehicle's KPIs give its body and what its sensors reach: shorter in fog, none for a dropped-out radar", async () => {
    const ccrs = '    type: emergency_braking\n    params: { initial_speed: 50 }\n';
    const clear = await run(yaml(ccrs));
    const foggy = await run(yaml(ccrs, '  environment: { weather: fog }\n'));
    const dropped = await run(
      yaml(ccrs).replace(
        'fleet:\n',
        'interventions:\n  - { at: 0.5, asset: ego, action: inject_sensor_fault, args: { sensor: radar, fault: dropout } }\nfleet:\n',
      ),
    );
    const k = clear.sim.assetKpis('ego');
    expect(k.length_m).toBeGreaterThan(4);
    expect(k.width_m).toBeGreaterThan(1.5);
    expect(k.front_m).toBeGreaterThan(k.length_m! / 2);
    expect(k.front_m).toBeLessThan(k.length_m!);
    expect(k).toMatchObject({ radar_range_m: 160, radar_fov_deg: 40, lidar_fov_deg: 360, camera_fov_deg: 60 });
    const f = foggy.sim.assetKpis('ego');
    expect(f.camera_range_m).toBeLessThan(k.camera_range_m!);
    expect(f.lidar_range_m).toBeLessThan(k.lidar_range_m!);
    const d = dropped.sim.assetKpis('ego');
    expect(d.radar_range_m).toBe(0);
    expect(d.lidar_range_m).toBe(k.lidar_range_m);
  });

  it('judges a past vehicle state by the live rule: braking is a warning, a dropped-out radar reaches nothing', async () => {
    const { sim } = await run(yaml('    type: emergency_braking\n    params: { initial_speed: 50 }\n'));
    const judge = sim.pastJudge('vehicle');
    const head = sim.asset('ego').state;
    const past = (patch: Record<string, unknown>) =>
      judge?.judge(1, new Map([['ego', { ...head, ...patch } as typeof head]]), []).get('ego');
    expect(past({ status: 'driving', aeb: 'full', speed_mps: 10 })).toMatchObject({
      status: 'warning',
      kpis: { speed_kmh: 36, radar_range_m: 160 },
    });
    expect(past({ status: 'collided', aeb: 'full' })?.status).toBe('critical');
    expect(past({ status: 'finished', aeb: 'standby' })?.status).toBe('offline');
    const radarDown = {
      ...(head.sensor_faults as object),
      radar: { dropout: true, frozen: false, bias_range_m: 0, bias_bearing_deg: 0 },
    };
    expect(past({ sensor_faults: radarDown })?.kpis.radar_range_m).toBe(0);
    expect(sim.assetStatus('ego')).toBe(past({})?.status);
  });

  it('brake fade lengthens the stop: a collision the healthy brakes avoid', async () => {
    const base = yaml('    type: emergency_braking\n    params: { initial_speed: 70 }\n');
    const faded = base.replace(
      'fleet:\n',
      'interventions:\n  - { at: 0.1, asset: ego, action: inject_actuator_fault, args: { fault: brake_fade, value: 0.3 } }\nfleet:\n',
    );
    const healthy = await run(base);
    const broken = await run(faded);
    expect(healthy.pack.verdict).toBe('pass');
    expect(broken.pack.verdict).toBe('fail');
    expect(broken.pack.scores.impact_speed_kmh as number).toBeGreaterThan(0);
  });

  it('every type of the library runs with its defaults to a verdict with criteria and scores', async () => {
    expect(SCENARIO_TYPES.map((t) => t.type)).toEqual([
      'emergency_braking',
      'obstacle_avoidance',
      'intersection_collision',
      'pedestrian_crossing',
      'fuel_efficiency',
      'route_optimization',
      'traffic_flow',
      'parking_maneuvers',
      'sensor_failure',
      'weather_extremes',
      'construction_zones',
      'unusual_traffic_patterns',
    ]);
    for (const type of SCENARIO_TYPES) {
      const { pack } = await run(yaml(`    type: ${type.type}\n`).replace('duration: 40s', 'duration: 15m'));
      expect(['pass', 'fail']).toContain(pack.verdict);
      expect(pack.criteria.length).toBeGreaterThan(0);
      for (const c of pack.criteria) expect(c).toHaveProperty('limit');
      expect(pack.scores).toHaveProperty('collision');
      expect(pack.scores).toHaveProperty('energy_kwh_per_km');
    }
  }, 120_000);

  it('ends a platoon run shorter than the string-stability window with an unknown amplification, not a failure', async () => {
    const { summary, pack } = await run(
      yaml('    type: traffic_flow\n    params: { vehicles: 5, duration_s: 5 }\n').replace('40s', '5s'),
    );
    expect(summary.status).toBe('finished');
    expect(pack.scores.string_amplification).toBeNull();
  });
});
