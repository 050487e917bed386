import fc from 'fast-check';
import type { JsonObject } from '@doppel/twin';
import { describe, expect, it } from 'vitest';
import type { StationState } from '../src/index.js';
import { foldLedger } from './fold.js';
import { harness, type Harness } from './harness.js';

/** A busy little network so that queues, reneges, redirects and charger contention all happen. */
const busyCity = {
  layout: { count: 5, city: 'paris' as const },
  station_defaults: { chargers: 3, reserve_chargers: 2, batteries: 6, grid_power_limit_kw: 5 },
  demand: { base_riders_per_hour: 5 },
};

/** Runs in steps, recording every station's energy counter at each step. */
function runSampled(h: Harness, untilS: number, stepS: number): { t: number; energy: Map<string, number> }[] {
  const samples: { t: number; energy: Map<string, number> }[] = [];
  const sample = () => {
    const energy = new Map<string, number>();
    for (const st of h.registry.assets('station')) energy.set(st.id, h.model.assetKpis(st).energy_kwh);
    samples.push({ t: h.env.now, energy });
  };
  sample();
  for (let t = stepS; t <= untilS; t += stepS) {
    h.run(t);
    sample();
  }
  return samples;
}

function checkRun(h: Harness, samples: ReturnType<typeof runSampled>, limits: Map<string, number>) {
  const net = h.model.network;
  // Batteries: created at build or by restocks only, each in exactly one place.
  const created = h.ledger.filter((r) => r.type === 'ASSET_CREATED' && (r.meta as JsonObject).kind === 'battery');
  const restockRecords = h.ledger.filter((r) => r.type === 'BATTERIES_RESTOCKED');
  const restocked = restockRecords.reduce((s, r) => s + ((r.meta as JsonObject).count as number), 0);
  const initial = created.filter((r) => r.t === 0 && r.origin === 'sim').length;
  expect(created.length).toBe(initial + restocked);
  expect(net.batteryCount).toBe(created.length);

  let atStations = 0;
  for (const st of net.stations) {
    const inv = (st.asset.state as StationState).inventory;
    atStations += inv.total;
    expect(inv.total).toBe(st.idle.length + st.chargers.filter((c) => c.battery !== null).length);
    // The cached charged count (used by redirects and KPIs) matches the slots.
    expect(st.charged).toBe(st.idle.filter((b) => net.dispensable(b)).length);
    expect(inv.charged).toBe(st.charged);
  }
  const batteries = h.registry.assets('battery');
  const vehicles = h.registry.assets('vehicle');
  let onScooters = 0;
  for (const b of batteries) {
    const vehicle = h.registry.asset(b.state.location as string);
    if (vehicle?.kind === 'vehicle') {
      onScooters++;
      // The scooter it is on says so.
      expect(vehicle.state.battery).toBe(b.id);
    }
  }
  let inBays = 0;
  for (const st of net.stations) for (const bay of st.bays) if (bay.rider !== null) inBays++;
  // Every scooter carries exactly one battery; every other battery is at a station or in a bay being handed out.
  expect(onScooters).toBe(vehicles.length);
  expect(vehicles.length).toBe(net.fleetSize);
  expect(atStations + inBays + onScooters).toBe(batteries.length);

  // SoC always within [0, 1]; queues and bays within bounds, in every record.
  for (const r of h.ledger) {
    const v = r.newValue;
    if (v === null) continue;
    if ('soc' in v) expect((v.soc as number) >= 0 && (v.soc as number) <= 1).toBe(true);
    if ('battery_soc' in v) expect((v.battery_soc as number) >= 0 && (v.battery_soc as number) <= 1).toBe(true);
    if ('queue_length' in v) expect(v.queue_length as number).toBeGreaterThanOrEqual(0);
    if ('bays_available' in v) expect(v.bays_available as number).toBeGreaterThanOrEqual(0);
  }

  // Energy drawn in any interval never exceeds the grid limit times its length.
  for (let i = 1; i < samples.length; i++) {
    const dtH = (samples[i].t - samples[i - 1].t) / 3600;
    for (const [id, e] of samples[i].energy) {
      const de = e - (samples[i - 1].energy.get(id) as number);
      expect(de).toBeGreaterThanOrEqual(-1e-9);
      // 2e-4: the energy KPI is rounded to 1e-4 kWh at both ends.
      expect(de).toBeLessThanOrEqual((limits.get(id) as number) * dtH + 2e-4);
    }
  }

  // The ledger folds into exactly the live state (oldValue/newValue hold the changed fields only).
  const folded = foldLedger(h.ledger);
  const live = h.registry.states();
  expect(folded.size).toBe(live.size);
  for (const [id, state] of live) expect(folded.get(id)).toEqual(state);
}

describe('conservation and bounds', () => {
  it('hold over a busy day without interventions', () => {
    const h = harness(busyCity, { seed: 11 });
    const samples = runSampled(h, 86400, 600);
    const limits = new Map(h.model.network.stations.map((s) => [s.id, s.gridLimitKw]));
    checkRun(h, samples, limits);
    expect(h.model.kpis().reneges).toBeGreaterThan(0);
  });

  it('hold under random interventions', () => {
    const stationIds = ['station_01', 'station_02', 'station_03', 'station_04', 'station_05'];
    const action = fc.oneof(
      fc.record({
        action: fc.constant('trigger_outage'),
        args: fc.record({ duration_seconds: fc.integer({ min: 60, max: 7200 }) }),
      }),
      fc.record({
        action: fc.constant('restock_batteries'),
        args: fc.record({ count: fc.integer({ min: 1, max: 5 }), soc: fc.double({ min: 0, max: 1, noNaN: true }) }),
      }),
      fc.record({
        action: fc.constant('inject_fault'),
        args: fc.record({
          target: fc.constantFrom('charger_01', 'charger_02', 'charger_04'),
          fault_type: fc.constantFrom('connector_lock_failure', 'charger_offline', 'slow_charging'),
          duration_seconds: fc.integer({ min: 60, max: 7200 }),
        }),
      }),
      fc.record({
        action: fc.constant('set_service_speed'),
        args: fc.record({ factor: fc.double({ min: 0.2, max: 5, noNaN: true }) }),
      }),
      fc.record({ action: fc.constant('open_reserve_chargers'), args: fc.constant({}) }),
      fc.record({ action: fc.constant('close_bay'), args: fc.constant({ bay_id: 'bay_1' }) }),
      fc.record({ action: fc.constant('reopen_bay'), args: fc.constant({ bay_id: 'bay_1' }) }),
      fc.record({ action: fc.constant('set_maintenance_mode'), args: fc.record({ enabled: fc.boolean() }) }),
      // Never above the initial 5 kW, so the initial limit bounds the energy in every interval.
      fc.record({
        action: fc.constant('set_grid_power_limit'),
        args: fc.record({ kw: fc.double({ min: 0, max: 5, noNaN: true }) }),
      }),
      // Vehicle and battery actions pick their target among the assets of the moment (see below).
      fc.record({
        action: fc.constant('redirect_to_station'),
        args: fc.record({ station_id: fc.constantFrom(...stationIds) }),
      }),
      fc.record({ action: fc.constant('cancel_trip'), args: fc.constant({}) }),
      fc.record({
        action: fc.constant('set_soc'),
        args: fc.record({ soc: fc.double({ min: 0, max: 1, noNaN: true }) }),
      }),
      fc.record({
        action: fc.constant('force_degrade_health'),
        args: fc.record({ health: fc.double({ min: 0, max: 0.85, noNaN: true }) }),
      }),
    );
    const vehicleActions = new Set(['redirect_to_station', 'cancel_trip']);
    const batteryActions = new Set(['set_soc', 'force_degrade_health']);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.array(
          fc.record({
            at: fc.integer({ min: 1, max: 43200 }),
            station: fc.constantFrom(...stationIds),
            pick: fc.nat(),
            op: action,
          }),
          { maxLength: 16 },
        ),
        (seed, ops) => {
          const h = harness({ ...busyCity, layout: { count: 5, city: 'paris' } }, { seed, validate: true });
          for (const op of ops) {
            h.env.timeout(op.at).addCallback(() => {
              let target = op.station;
              if (vehicleActions.has(op.op.action)) {
                const active = h.registry
                  .assets('vehicle')
                  .filter((v) => v.state.status === 'waiting' || v.state.status === 'travelling');
                if (active.length === 0) return;
                target = active[op.pick % active.length].id;
              } else if (batteryActions.has(op.op.action)) {
                const batteries = h.registry.assets('battery');
                target = batteries[op.pick % batteries.length].id;
              }
              try {
                h.intervene(target, op.op.action, op.op.args as JsonObject);
              } catch (error) {
                // Refusals (bay already closed, charger already faulted...) are part of the contract.
                if ((error as { code?: string }).code !== 'DOPPEL_ERR_INTERVENTION_REJECTED') throw error;
              }
            });
          }
          const samples = runSampled(h, 12 * 3600 + 43200 / 2, 900);
          const limits = new Map(h.model.network.stations.map((s) => [s.id, s.plan.gridPowerLimitKw]));
          checkRun(h, samples, limits);
        },
      ),
      { numRuns: 16 },
    );
  });
});
