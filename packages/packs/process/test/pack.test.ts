import { fileURLToPath } from 'node:url';
import { loadScenarioFile, MemoryLedgerStore, Simulation, type LedgerEvent } from '@doppel/twin';
import { describe, expect, it } from 'vitest';
import { packs, simulate } from './helpers.js';

const example = (name: string): string =>
  fileURLToPath(new URL(`../../../../examples/process/${name}`, import.meta.url));

/**
 * Ledger head hashes of the shipped examples. A change that alters one must update it here on purpose and say why
 * in its commit message.
 */
const GOLDEN: Record<string, string> = {
  'tank-heater.yaml': '853a181df61ee02617c618ba7123dd73fc18c6d54f5fb3e8647d2c262a949507',
  'mixing-plant.yaml': '776dda7ca31672644c7306d5d7a1d9c7bbf47a8a53df0431a52230352d4d3f8d',
};

async function runExample(name: string, seed?: number) {
  const scenario = loadScenarioFile(example(name), { packs, ...(seed !== undefined ? { seed } : {}) });
  const store = new MemoryLedgerStore();
  const sim = await Simulation.create({ scenario, packs, store, validateUpdates: true });
  sim.runToEnd();
  await sim.flush();
  const ledger = await store.query({ simId: sim.id, limit: 10_000_000 });
  return { sim, ledger, summary: sim.summary() };
}

const heated = (extra: Record<string, unknown> = {}) => ({
  step_s: 0.1,
  components: [
    { id: 'feed', type: 'source', properties: { value: 0.1, unit: 'L/s' } },
    { id: 'tank', type: 'tank', properties: { area_m2: 0.25, initial_level_m: 0.8 } },
    { id: 'heater', type: 'heater', properties: { max_power_w: 20_000 } },
    { id: 'sensor', type: 'sensor', properties: { noise_sd: 0.05 } },
    { id: 'pid', type: 'pid', properties: { kp: 2000, ki: 4, setpoint: 40, out_max: 20_000 } },
    { id: 'drain', type: 'valve', properties: { kv_m3h: 4, initial_position: 0.3, time_constant_s: 0 } },
    { id: 'opening', type: 'source', properties: { value: 0.3, unit: 'fraction' } },
    { id: 'pump', type: 'pump', properties: { max_flow_m3s: 0.0002 } },
  ],
  connections: [
    'feed.out -> tank.inflow',
    'tank.temperature -> sensor.value',
    'sensor.measured -> pid.pv',
    'pid.out -> heater.power',
    'heater.heat -> tank.heat',
    'opening.out -> drain.opening',
    'tank.pressure -> drain.p_in',
    'drain.flow -> tank.outflow',
  ],
  ...extra,
});

describe('the shipped examples', () => {
  for (const [file, golden] of Object.entries(GOLDEN)) {
    it(`${file}: golden ledger head`, async () => {
      const { summary } = await runExample(file);
      expect(summary.status).toBe('finished');
      if (golden !== '') expect(summary.ledger_sha256).toBe(golden);
      else console.log(file, summary.ledger_sha256);
    });
  }

  it('mixing-plant: both loops back at their setpoints after the pump trip and the sensor bias; the balance closes', async () => {
    const { summary, ledger, sim } = await runExample('mixing-plant.yaml');
    const buffer = sim.asset('buffer').state as { level: number; temperature: number };
    expect(Math.abs(buffer.level - 1.2)).toBeLessThan(0.02);
    expect(Math.abs(buffer.temperature - 40)).toBeLessThan(0.5);
    const types = ledger.map((e) => e.eventType);
    expect(types).toContain('PUMP_TRIPPED');
    expect(types).toContain('PUMP_RESET');
    expect(types).toContain('SENSOR_FAILED');
    const pack = summary.pack_summary as { tanks: Record<string, { mass_balance_error_m3: number }> };
    expect(Math.abs(pack.tanks.buffer?.mass_balance_error_m3 ?? 1)).toBeLessThan(1e-9);
    expect(ledger.length).toBeLessThan(30_000);
  });

  it('tank-heater: the setpoint held, the balance closed, a reasonable ledger', async () => {
    {
      const { summary, ledger, sim } = await runExample('tank-heater.yaml');
      const tank = sim.asset('tank').state as { temperature: number };
      expect(Math.abs(tank.temperature - 50)).toBeLessThan(1);
      const pack = summary.pack_summary as { tanks: Record<string, { mass_balance_error_m3: number }> };
      expect(Math.abs(pack.tanks.tank?.mass_balance_error_m3 ?? 1)).toBeLessThan(1e-9);
      // Two hours at 0.1 s are 72 000 steps of 9 components: deadband and decimation keep the ledger far smaller.
      expect(ledger.length).toBeLessThan(15_000);
      const types = new Set(ledger.map((e) => e.eventType));
      expect(types).toContain('SETPOINT_CHANGED');
      expect(types).toContain('SENSOR_FAILED');
      expect(types).toContain('SENSOR_REPAIRED');
      expect(sim.outputTables().map((t) => t.fileName)).toContain('scope-trend.csv');
    }
  });

  it('is deterministic: the same seed gives the same ledger; another seed (other sensor noise) another', async () => {
    const a = await runExample('tank-heater.yaml', 3);
    const b = await runExample('tank-heater.yaml', 3);
    const c = await runExample('tank-heater.yaml', 4);
    expect(b.summary.ledger_sha256).toBe(a.summary.ledger_sha256);
    expect(c.summary.ledger_sha256).not.toBe(a.summary.ledger_sha256);
  });
});

describe('interventions on a running model', () => {
  it('land at their exact time between steps: a valve stuck at 12.345 s holds from then', async () => {
    const { ledger } = await simulate(heated(), {
      duration: 30,
      interventions: [
        { at: 12.345, asset: 'drain', action: 'stick_valve', args: { position: 0.8 } },
        { at: 20, asset: 'opening', action: 'set_setpoint', args: { value: 0.1 } },
      ],
    });
    const stuck = ledger.find((e) => e.eventType === 'VALVE_STUCK') as LedgerEvent;
    expect(stuck.simTime).toBeCloseTo(12.345, 9);
    expect((stuck.newValue as { position: number }).position).toBe(0.8);
    // The opening changes at 20 s, but the stuck valve does not follow.
    const later = ledger.filter((e) => e.assetId === 'drain' && e.simTime > 20);
    for (const e of later) expect((e.newValue as { position?: number }).position ?? 0.8).toBe(0.8);
  });

  it('fail_sensor, trip_pump, set_manual_output and set_mode change what they should; bad targets are refused', async () => {
    const { sim, ledger } = await simulate(
      heated(),
      {
        duration: 60,
        interventions: [
          { at: 5, asset: 'sensor', action: 'fail_sensor', args: { mode: 'dropout' } },
          { at: 10, asset: 'pump', action: 'trip_pump' },
          { at: 15, asset: 'pid', action: 'set_manual_output', args: { value: 1234 } },
        ],
      },
      50,
    );
    const sensor = ledger.filter((e) => e.eventType === 'SENSOR_FAILED');
    expect(sensor).toHaveLength(1);
    expect((sensor[0]?.newValue as { valid: boolean }).valid).toBe(false);
    expect(ledger.some((e) => e.eventType === 'PUMP_TRIPPED')).toBe(true);
    expect(sim.asset('pid').state).toMatchObject({ mode: 'manual', out: 1234 });
    expect(sim.assetStatus('sensor')).toBe('critical');
    expect(() => sim.intervene({ assetId: 'tank', action: 'trip_pump', origin: 'api' })).toThrow(/Unknown action/);
  });

  it('set_setpoint is refused on a controller whose setpoint is wired', async () => {
    const config = heated();
    config.components.push({ id: 'sp', type: 'source', properties: { value: 40, unit: 'degC' } });
    config.connections.push('sp.out -> pid.sp');
    const { sim } = await simulate(config, { duration: 5 }, 2);
    const record = sim.intervene({ assetId: 'pid', action: 'set_setpoint', args: { value: 50 }, origin: 'api' });
    expect(record.status).toBe('FAILED');
  });

  it('rewind and branch re-execute exactly: a branch with the same change gives the same ledger', async () => {
    const { sim } = await simulate(heated(), {
      duration: 120,
      interventions: [{ at: 30, asset: 'pid', action: 'set_setpoint', args: { value: 45 } }],
    });
    const head = sim.head();
    const { sim: plain } = await simulate(heated(), { duration: 120 });
    const branch = await plain.branch(30, [
      { assetId: 'pid', action: 'set_setpoint', args: { value: 45 }, origin: 'api' },
    ]);
    branch.runToEnd();
    expect(branch.summary().kpis).toEqual(sim.summary().kpis);
    expect(branch.asset('tank').state).toEqual(sim.asset('tank').state);
    const before = (await sim.stateAt(60)).get('tank');
    await sim.rewind(60);
    expect(sim.asset('tank').state).toEqual(before);
    sim.runToEnd();
    expect(sim.head()).toEqual(head);
  });
});
