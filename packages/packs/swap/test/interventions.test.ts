import type { JsonObject } from '@doppel/twin';
import { describe, expect, it } from 'vitest';
import type { StationState } from '../src/index.js';
import { harness, type Harness } from './harness.js';

const flat = new Array<number>(24).fill(1);

/** Two stations 1.1 km apart with steady demand; `a` overrides station A's equipment. */
function twoStations(a: JsonObject = {}, rate = 12) {
  return {
    stations: [
      { id: 'A', name: 'Châtelet', lat: 48.858, lon: 2.347, ...a },
      { id: 'B', name: 'Bastille', lat: 48.853, lon: 2.369, demand_weight: 0.2 },
    ],
    demand: { base_riders_per_hour: rate, profile: flat },
  };
}

function station(h: Harness, id: string): StationState {
  return h.registry.asset(id)?.state as unknown as StationState;
}

function rejectedCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

function waitingRider(h: Harness, stationId: string): string {
  const r = h.registry
    .assets('vehicle')
    .find((v) => v.state.status === 'waiting' && v.state.current_location === stationId);
  if (r === undefined) throw new Error(`no rider waiting at ${stationId}`);
  return r.id;
}

describe('trigger_outage', () => {
  it('stops swaps and charging exactly for its duration while the queue grows', () => {
    const h = harness(twoStations({ chargers: 2, batteries: 6 }), { seed: 5 });
    const start = 8 * 3600;
    const end = start + 3600;
    h.run(start);
    h.intervene('A', 'trigger_outage', { duration_seconds: 3600 });
    const a = h.registry.asset('A');
    if (a === undefined) throw new Error('A missing');
    expect(station(h, 'A').status).toBe('outage');
    expect(station(h, 'A').power_draw_kw).toBe(0);
    expect(h.model.assetStatus(a)).toBe('offline');
    const energyAtStart = h.model.assetKpis(a).energy_kwh;
    const queueAtStart = station(h, 'A').queue_length;
    h.run(end - 1);
    expect(h.model.assetKpis(a).energy_kwh).toBe(energyAtStart);
    expect(station(h, 'A').queue_length).toBeGreaterThan(queueAtStart);
    h.run(end + 600);
    const during = h.ledger.filter(
      (r) =>
        r.assetId === 'A' && r.t > start && r.t < end && (r.type === 'SWAP_STARTED' || r.type === 'SWAP_COMPLETED'),
    );
    expect(during).toEqual([]);
    const ended = h.ledger.find((r) => r.assetId === 'A' && r.type === 'OUTAGE_ENDED');
    expect(ended?.t).toBe(end);
    expect(ended?.origin).toBe('intervention');
    expect(h.ledger.some((r) => r.assetId === 'A' && r.type === 'SWAP_STARTED' && r.t >= end)).toBe(true);
    expect(h.model.assetKpis(a).energy_kwh).toBeGreaterThan(energyAtStart);
    expect(station(h, 'A').status).toBe('open');
  });
});

describe('restock_batteries', () => {
  it('adds batteries to the inventory', () => {
    const h = harness(twoStations(), { seed: 2 });
    h.run(3600);
    const before = station(h, 'A').inventory;
    h.intervene('A', 'restock_batteries', { count: 5 });
    const after = station(h, 'A').inventory;
    expect(after.total).toBe(before.total + 5);
    expect(after.charged).toBe(before.charged + 5);
    const created = h.ledger.filter((r) => r.type === 'ASSET_CREATED' && r.t === 3600 && r.assetId.startsWith('A.b'));
    expect(created).toHaveLength(5);
    expect(created.every((r) => (r.newValue as JsonObject).location === 'A')).toBe(true);
    h.intervene('A', 'restock_batteries', { count: 2, soc: 0.1 });
    expect(station(h, 'A').inventory.total).toBe(after.total + 2);
    expect(station(h, 'A').inventory.charged).toBe(after.charged);
  });
});

describe('inject_fault', () => {
  it('connector_lock_failure: the charger draws nothing until cleared at exactly its end', () => {
    const h = harness(twoStations({ chargers: 2, batteries: 2, initial_soc: 0.2 }), { seed: 3 });
    h.run(60);
    const st = h.model.network.stationById.get('A');
    const charger = st?.chargers[0];
    const battery = charger?.battery;
    if (!st || !charger || !battery) throw new Error('expected a battery charging on charger_01');
    h.intervene('A', 'inject_fault', {
      target: 'charger_01',
      fault_type: 'connector_lock_failure',
      duration_seconds: 1200,
    });
    expect(charger.state).toBe('faulted');
    const soc = h.model.assetKpis(battery.asset).soc_now;
    h.run(60 + 1199);
    expect(h.model.assetKpis(battery.asset).soc_now).toBe(soc);
    expect(battery.powerKw).toBe(0);
    expect(station(h, 'A').chargers[0]).toMatchObject({
      state: 'faulted',
      fault_type: 'connector_lock_failure',
    });
    // The charger entry does not name its battery: the battery's location does.
    expect(h.model.network.stationById.get('A')?.chargers[0].battery).toBe(battery);
    expect(battery.asset.state.location).toBe('A/charger_01');
    h.run(60 + 1201);
    const cleared = h.ledger.find((r) => r.type === 'FAULT_CLEARED');
    expect(cleared?.t).toBe(1260);
    expect(charger.state).toBe('charging');
    h.run(1300);
    expect(h.model.assetKpis(battery.asset).soc_now).toBeGreaterThan(soc);
  });

  it('charger_offline: the battery goes back to the queue and the charger draws nothing', () => {
    const h = harness(twoStations({ chargers: 1, reserve_chargers: 0, batteries: 1, initial_soc: 0.2 }), { seed: 3 });
    h.run(60);
    h.intervene('A', 'inject_fault', { target: 'charger_01', fault_type: 'charger_offline', duration_seconds: 600 });
    expect(station(h, 'A').chargers[0]).toEqual({ id: 'charger_01', state: 'offline', fault_type: 'charger_offline' });
    expect(station(h, 'A').power_draw_kw).toBe(0);
    expect(h.ledger.some((r) => r.type === 'CHARGING_STOPPED')).toBe(true);
    h.run(661);
    expect(station(h, 'A').chargers[0].state).toBe('charging');
  });

  it('slow_charging halves the charger power', () => {
    const h = harness(
      twoStations({ chargers: 1, reserve_chargers: 0, batteries: 1, initial_soc: 0.2, charger_power_kw: 2 }),
      {
        seed: 3,
      },
    );
    h.run(60);
    expect(station(h, 'A').power_draw_kw).toBe(2);
    h.intervene('A', 'inject_fault', { target: 'charger_01', fault_type: 'slow_charging', duration_seconds: 600 });
    expect(station(h, 'A').power_draw_kw).toBe(1);
    h.run(661);
    expect(station(h, 'A').power_draw_kw).toBe(2);
  });

  it('refuses unknown chargers and double faults', () => {
    const h = harness(twoStations(), { seed: 3 });
    h.run(10);
    const bad = { target: 'charger_99', fault_type: 'charger_offline', duration_seconds: 60 };
    expect(rejectedCode(() => h.intervene('A', 'inject_fault', bad))).toBe('DOPPEL_ERR_INTERVENTION_REJECTED');
    const ok = { target: 'charger_02', fault_type: 'slow_charging', duration_seconds: 60 };
    h.intervene('A', 'inject_fault', ok);
    expect(rejectedCode(() => h.intervene('A', 'inject_fault', ok))).toBe('DOPPEL_ERR_INTERVENTION_REJECTED');
  });
});

describe('vehicle interventions', () => {
  // Station A has no batteries at all: every rider there waits until redirected, cancelled or out of patience.
  const empty = twoStations({ batteries: 0, chargers: 0, reserve_chargers: 0 });

  it('redirect_to_station: the rider leaves the queue and arrives at the other station', () => {
    const h = harness(empty, { seed: 4 });
    h.run(7200);
    const rider = waitingRider(h, 'A');
    const queue = station(h, 'A').queue_length;
    h.intervene(rider, 'redirect_to_station', { station_id: 'B' });
    expect(station(h, 'A').queue_length).toBe(queue - 1);
    expect(h.registry.asset(rider)?.state).toMatchObject({ status: 'travelling', current_location: 'in_transit:A->B' });
    h.run(7200 + 1800);
    const arrived = h.ledger.find((r) => r.assetId === rider && r.type === 'RIDER_ARRIVED' && r.t > 7200);
    expect(arrived?.newValue).toMatchObject({ current_location: 'B' });
    // 1.8 km at 18 km/h with a 1.3 detour factor.
    expect(arrived?.t).toBeGreaterThan(7200 + 300);
    const done = h.ledger.find(
      (r) => r.assetId === 'B' && r.type === 'SWAP_COMPLETED' && (r.meta as JsonObject).rider === rider,
    );
    expect(done).toBeDefined();
    expect(rejectedCode(() => h.intervene(rider, 'redirect_to_station', { station_id: 'A' }))).toBe(
      'DOPPEL_ERR_INTERVENTION_REJECTED',
    );
  });

  it('cancel_trip removes the rider from the queue for good', () => {
    const h = harness(empty, { seed: 4 });
    h.run(7200);
    const rider = waitingRider(h, 'A');
    const queue = station(h, 'A').queue_length;
    h.intervene(rider, 'cancel_trip', {});
    expect(station(h, 'A').queue_length).toBe(queue - 1);
    expect(h.registry.asset(rider)?.state.status).toBe('cancelled');
    const dec = h.ledger.at(-2);
    expect(dec?.type).toBe('QUEUE_DECREMENT');
    expect(dec?.meta).toMatchObject({ reason: 'cancelled', rider });
    h.run(14400);
    expect(h.ledger.some((r) => r.type === 'RIDER_RENEGED' && (r.meta as JsonObject).rider === rider)).toBe(false);
    expect(h.registry.asset(rider)?.state.status).toBe('cancelled');
    expect(rejectedCode(() => h.intervene(rider, 'cancel_trip', {}))).toBe('DOPPEL_ERR_INTERVENTION_REJECTED');
  });
});

describe('bays, speed, maintenance, grid and reserve chargers', () => {
  it('close_bay stops swaps in that bay; reopen_bay resumes them', () => {
    const h = harness(twoStations({ bays: 1 }), { seed: 8 });
    h.run(3600);
    h.intervene('A', 'close_bay', { bay_id: 'bay_1' });
    expect(station(h, 'A').closed_bays).toEqual(['bay_1']);
    expect(rejectedCode(() => h.intervene('A', 'close_bay', { bay_id: 'bay_1' }))).toBe(
      'DOPPEL_ERR_INTERVENTION_REJECTED',
    );
    expect(rejectedCode(() => h.intervene('A', 'close_bay', { bay_id: 'bay_7' }))).toBe(
      'DOPPEL_ERR_INTERVENTION_REJECTED',
    );
    h.run(7200);
    expect(h.ledger.some((r) => r.assetId === 'A' && r.type === 'SWAP_STARTED' && r.t > 3600)).toBe(false);
    h.intervene('A', 'reopen_bay', { bay_id: 'bay_1' });
    h.run(7300);
    expect(h.ledger.some((r) => r.assetId === 'A' && r.type === 'SWAP_STARTED' && r.t >= 7200)).toBe(true);
  });

  it('set_service_speed scales swap durations', () => {
    const durations = (factor: number) => {
      const h = harness(twoStations({ bays: 4, batteries: 40 }), { seed: 9 });
      h.intervene('A', 'set_service_speed', { factor });
      h.run(6 * 3600);
      const started = new Map<string, number>();
      const out: number[] = [];
      for (const r of h.ledger) {
        if (r.assetId !== 'A') continue;
        const rider = (r.meta as JsonObject | null)?.rider as string | undefined;
        if (r.type === 'SWAP_STARTED' && rider) started.set(rider, r.t);
        if (r.type === 'SWAP_COMPLETED' && rider) out.push(r.t - (started.get(rider) as number));
      }
      return out.reduce((a, b) => a + b, 0) / out.length;
    };
    expect(durations(2)).toBeCloseTo(durations(1) / 2, 6);
  });

  it('maintenance mode sends queued riders on and turns arrivals away', () => {
    const h = harness(twoStations({ batteries: 0, chargers: 0, reserve_chargers: 0 }), { seed: 4 });
    h.run(3600);
    expect(station(h, 'A').queue_length).toBeGreaterThan(0);
    h.intervene('A', 'set_maintenance_mode', { enabled: true });
    expect(station(h, 'A').queue_length).toBe(0);
    expect(station(h, 'A').status).toBe('maintenance');
    h.run(7200);
    const balks = h.ledger.filter((r) => r.type === 'RIDER_BALKED' && r.t > 3600);
    expect(balks.length).toBeGreaterThan(0);
    expect(balks.every((r) => (r.meta as JsonObject).reason === 'maintenance')).toBe(true);
    h.intervene('A', 'set_maintenance_mode', { enabled: false });
    expect(station(h, 'A').status).toBe('open');
  });

  it('set_grid_power_limit caps the power drawn', () => {
    const h = harness(twoStations({ chargers: 4, batteries: 4, initial_soc: 0.1, charger_power_kw: 2 }), { seed: 1 });
    h.run(10);
    expect(station(h, 'A').power_draw_kw).toBe(8);
    h.intervene('A', 'set_grid_power_limit', { kw: 3 });
    expect(station(h, 'A').power_draw_kw).toBe(3);
    expect(station(h, 'A').grid_power_limit_kw).toBe(3);
  });

  it('open_reserve_chargers opens the reserve, once', () => {
    const h = harness(twoStations({ chargers: 1, reserve_chargers: 2, batteries: 3, initial_soc: 0.1 }), { seed: 1 });
    h.run(10);
    expect(station(h, 'A').chargers.map((c) => c.state)).toEqual(['charging', 'reserve', 'reserve']);
    h.intervene('A', 'open_reserve_chargers', { count: 1 });
    expect(station(h, 'A').chargers.map((c) => c.state)).toEqual(['charging', 'charging', 'reserve']);
    h.intervene('A', 'open_reserve_chargers', {});
    expect(station(h, 'A').chargers.map((c) => c.state)).toEqual(['charging', 'charging', 'charging']);
    expect(rejectedCode(() => h.intervene('A', 'open_reserve_chargers', {}))).toBe('DOPPEL_ERR_INTERVENTION_REJECTED');
  });
});

describe('battery interventions', () => {
  it('set_soc on a battery in a slot changes what riders can get', () => {
    const h = harness(twoStations({ batteries: 2, chargers: 0, reserve_chargers: 0 }, 0), { seed: 1 });
    h.run(10);
    expect(station(h, 'A').inventory.charged).toBe(2);
    h.intervene('A.b01', 'set_soc', { soc: 0.3 });
    expect(h.registry.asset('A.b01')?.state.soc).toBe(0.3);
    expect(station(h, 'A').inventory.charged).toBe(1);
  });

  it('force_degrade_health below end-of-life takes the battery out of service', () => {
    const h = harness(twoStations({ batteries: 3, chargers: 2 }), { seed: 6 });
    h.intervene('A.b01', 'force_degrade_health', { health: 0.5 });
    expect(h.registry.asset('A.b01')?.state).toMatchObject({ health: 0.5, health_status: 'end_of_life' });
    expect(station(h, 'A').inventory.charged).toBe(2);
    h.run(86400);
    const handedOut = h.ledger.filter(
      (r) => r.type === 'SWAP_COMPLETED' && (r.meta as JsonObject).battery_out === 'A.b01',
    );
    expect(handedOut).toEqual([]);
    expect(rejectedCode(() => h.intervene('A.b01', 'force_degrade_health', { health: 0.9 }))).toBe(
      'DOPPEL_ERR_INTERVENTION_REJECTED',
    );
  });
});
