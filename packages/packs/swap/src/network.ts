import { createNamedStream, type Environment } from '@doppel/engine';
import { TwinError, TwinErrorCode, type BuildContext, type JsonObject, type TwinModel } from '@doppel/twin';
import type { ChargeCurve } from './charging.js';
import { demandRowSchema, type SwapConfig } from './config.js';
import { ratesFromTable, startSecondOfDay } from './demand.js';
import { nearestNeighbours, planStations, type CityExtent } from './layout.js';
import { BatteryRt, BayRt, ChargerRt, RiderRt, StationRt } from './runtime.js';
import { WaitStats } from './stats.js';
import {
  type BatteryState,
  type HealthStatus,
  type Inventory,
  type StationState,
  type StationStatus,
  type VehicleState,
} from './state.js';

/**
 * The live network of one simulation: stations, the fleet of scooters (each carrying one battery), and the
 * shared settings. Behaviour lives in charging-ops, swap-ops and rider-ops; this class holds state and the helpers
 * that turn runtime changes into asset updates.
 */
export class SwapNetwork {
  readonly env: Environment;
  readonly twin: TwinModel;
  readonly config: SwapConfig;
  readonly curve: ChargeCurve;
  readonly stations: StationRt[] = [];
  readonly stationById = new Map<string, StationRt>();
  readonly extent: CityExtent;
  /** Seconds past local midnight at sim time 0. */
  readonly dayOffsetS: number;
  /** Batteries on scooters that are not at a station: handed to arriving riders oldest first. */
  /** Scooters with no trip in progress, longest idle first: the next arrival anywhere is one of them. */
  private idleFleet: RiderRt[] = [];
  private idleHead = 0;
  fleetSize = 0;
  /** Arrivals while every scooter was busy (should stay 0: size the fleet generously). */
  lostArrivals = 0;
  ridersInTransit = 0;
  /** Waits of every swap in the network (station trackers hold their own). */
  readonly waits = new WaitStats();
  /** Network power draw now, and its maximum so far. */
  powerDrawKw = 0;
  peakPowerKw = 0;
  batteryCount = 0;
  restocked = 0;
  readonly minSwapSoc: number;
  readonly targetSoc: number;
  readonly endOfLife: number;

  constructor(context: BuildContext<SwapConfig>) {
    this.env = context.env;
    this.twin = context.twin;
    this.config = context.config;
    const b = this.config.battery;
    this.curve = { cvStart: b.cv_start_soc };
    this.minSwapSoc = b.min_swap_soc;
    this.targetSoc = b.charge_target_soc;
    this.endOfLife = b.end_of_life_below;
    this.dayOffsetS = startSecondOfDay(context.scenario.start);

    const layoutRng = createNamedStream(this.config.layout?.seed ?? 1, 'swap/layout');
    const { stations: plans, extent } = planStations(this.config, layoutRng);
    this.extent = extent;
    const table = ratesFromTable((context.inputs.demand ?? []).map((row) => demandRowSchema.parse(row)));
    const profile = this.config.demand.profile;
    const base = this.config.demand.base_riders_per_hour;
    const seen = new Set<string>();
    plans.forEach((plan, index) => {
      if (seen.has(plan.id)) {
        throw new TwinError(TwinErrorCode.ScenarioInvalid, `swap.stations: station id "${plan.id}" is used twice`, {
          field: 'swap.stations',
          stationId: plan.id,
        });
      }
      seen.add(plan.id);
      const rates = table.get(plan.id) ?? profile.map((m) => m * base * plan.demandWeight);
      const st = new StationRt(
        this,
        index,
        plan,
        rates,
        this.twin.rng(`station/${plan.id}/arrivals`),
        this.twin.rng(`station/${plan.id}/riders`),
        this.twin.rng(`station/${plan.id}/service`),
      );
      this.stations.push(st);
      this.stationById.set(plan.id, st);
    });
    for (const id of table.keys()) {
      if (!seen.has(id)) {
        throw new TwinError(
          TwinErrorCode.ScenarioInvalid,
          `inputs.demand: station "${id}" is not a station of this scenario`,
          { field: 'inputs.demand', stationId: id, expected: [...seen].slice(0, 20) },
        );
      }
    }
    const r = this.config.redirect;
    const lists = nearestNeighbours(plans, r.neighbours, r.max_distance_km);
    this.stations.forEach((st, i) => {
      st.neighbours = lists[i].map((n) => ({ station: this.stations[n.index], km: n.km }));
    });
    for (const st of this.stations) this.createStation(st);
    this.createFleet();
  }

  private createStation(st: StationRt): void {
    const plan = st.plan;
    for (let i = 1; i <= plan.bays; i++) st.bays.push(new BayRt(`bay_${i}`));
    const total = plan.chargers + plan.reserveChargers;
    for (let i = 1; i <= total; i++) {
      st.chargers.push(
        new ChargerRt(`charger_${String(i).padStart(2, '0')}`, i - 1, plan.chargerPowerKw, i > plan.chargers),
      );
    }
    const rng = this.twin.rng(`station/${plan.id}/batteries`);
    for (let i = 0; i < plan.batteries; i++) {
      const b = this.newBattery(
        `${plan.id}.b${String(++st.batterySeq).padStart(2, '0')}`,
        rng.uniform(0, 1),
        plan.initialSoc,
      );
      b.station = st;
      st.idle.push(b);
    }
    const state: StationState = {
      bays_available: plan.bays,
      bays_total: plan.bays,
      chargers: st.chargerSnapshots(),
      closed_bays: [],
      grid_power_limit_kw: plan.gridPowerLimitKw,
      inventory: this.inventoryOf(st),
      lat: plan.lat,
      lon: plan.lon,
      name: plan.name,
      power_draw_kw: 0,
      queue_length: 0,
      service_speed: 1,
      status: 'open',
    };
    st.asset = this.twin.createAsset('station', plan.id, state, st);
    for (const b of st.idle) this.createBatteryAsset(b, plan.id);
    this.noteInventory(st);
  }

  /** The scooters in the city at t=0, each with a battery: every arriving rider is one of them. */
  private createFleet(): void {
    const n = Math.max(100, this.config.vehicles_per_station * this.stations.length);
    this.fleetSize = n;
    const rng = this.twin.rng('fleet/batteries');
    const width = String(n).length;
    for (let i = 1; i <= n; i++) {
      const num = String(i).padStart(width, '0');
      const b = this.newBattery(`fleet.b${num}`, rng.uniform(0, 1), rng.uniform(0.2, 0.9));
      const r = new RiderRt(this, `vehicle_${num}`, b);
      b.rider = r;
      this.createBatteryAsset(b, r.id);
      const state: VehicleState = {
        battery: b.id,
        battery_soc: round4(b.soc),
        current_location: 'field',
        rider_patience_s: 0,
        status: 'riding',
        urgency: 'normal',
      };
      r.asset = this.twin.createAsset('vehicle', r.id, state, r);
      this.idleFleet.push(r);
    }
  }

  /** `u` in [0,1) places the battery's initial health in the configured range; cycles follow from the fade. */
  newBattery(id: string, u: number, soc: number, health?: number): BatteryRt {
    const cfg = this.config.battery;
    const h = health ?? cfg.initial_health.min + u * (cfg.initial_health.max - cfg.initial_health.min);
    const cycles = cfg.fade_per_cycle > 0 ? Math.round((1 - h) / cfg.fade_per_cycle) : 0;
    this.batteryCount++;
    return new BatteryRt(this, id, cfg.capacity_kwh, round4(h), cycles, soc);
  }

  createBatteryAsset(b: BatteryRt, location: string): void {
    const state: BatteryState = {
      capacity_kwh: b.capacityKwh,
      cycle_count: b.cycleCount,
      health: round4(b.health),
      health_status: this.healthStatus(b.health),
      location,
      soc: round4(b.soc),
    };
    b.asset = this.twin.createAsset('battery', b.id, state, b);
  }

  healthStatus(health: number): HealthStatus {
    if (health < this.endOfLife) return 'end_of_life';
    if (health < this.config.battery.degraded_below) return 'degraded';
    return 'good';
  }

  /** Can be handed to a rider. */
  dispensable(b: BatteryRt): boolean {
    return b.soc >= this.minSwapSoc - 1e-9 && b.health >= this.endOfLife;
  }

  /** Should go on a charger when one is free. */
  needsCharge(b: BatteryRt): boolean {
    return b.soc < this.targetSoc - 1e-9 && b.health >= this.endOfLife;
  }

  inventoryOf(st: StationRt): Inventory {
    let charged = 0;
    let b90 = 0;
    let b80 = 0;
    let b50 = 0;
    let b20 = 0;
    let b0 = 0;
    const minSoc = this.minSwapSoc - 1e-9;
    const eol = this.endOfLife;
    const idle = st.idle;
    for (let i = 0; i < idle.length; i++) {
      const b = idle[i];
      const s = b.soc;
      if (s >= minSoc && b.health >= eol) charged++;
      if (s >= 0.9) b90++;
      else if (s >= 0.8) b80++;
      else if (s >= 0.5) b50++;
      else if (s >= 0.2) b20++;
      else b0++;
    }
    let charging = 0;
    for (const c of st.chargers) if (c.battery !== null) charging++;
    // Compact counts: empty bands are left out (a missing band reads as 0). Keys in sorted order: the ledger encoder
    // then prints the object as it is.
    const bands: Record<string, number> = {};
    if (b0 > 0) bands.soc_0_20 = b0;
    if (b20 > 0) bands.soc_20_50 = b20;
    if (b50 > 0) bands.soc_50_80 = b50;
    if (b80 > 0) bands.soc_80_90 = b80;
    if (b90 > 0) bands.soc_90_100 = b90;
    return {
      bands,
      charged,
      charging,
      total: idle.length + charging,
    };
  }

  /** Call after any change to the slots: keeps the charged count and the availability KPI exact. */
  noteInventory(st: StationRt): Inventory {
    const inv = this.inventoryOf(st);
    st.charged = inv.charged;
    const available = inv.charged > 0 ? 1 : 0;
    if (available !== st.availableTw.current) st.availableTw.set(available, this.env.now);
    return inv;
  }

  computeStatus(st: StationRt): StationStatus {
    return st.outageDepth > 0 ? 'outage' : st.maintenance ? 'maintenance' : 'open';
  }

  takeVehicle(): RiderRt | null {
    if (this.idleHead >= this.idleFleet.length) return null;
    const r = this.idleFleet[this.idleHead++];
    if (this.idleHead > 1024 && this.idleHead * 2 > this.idleFleet.length) {
      this.idleFleet = this.idleFleet.slice(this.idleHead);
      this.idleHead = 0;
    }
    return r;
  }

  /** A trip ended (done, abandoned or cancelled): the scooter rides on and comes back for a later swap. */
  releaseVehicle(r: RiderRt): void {
    this.idleFleet.push(r);
  }

  idleVehicles(): number {
    return this.idleFleet.length - this.idleHead;
  }

  updateStation(
    st: StationRt,
    patch: Partial<StationState>,
    eventType: string,
    meta?: JsonObject | null,
    options?: { always?: boolean },
  ): void {
    this.twin.update(st.asset, patch, eventType, meta ?? null, options);
  }

  setQueueLength(st: StationRt, n: number): void {
    st.queueLength = n;
    st.queueTw.set(n, this.env.now);
  }
}

export function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

export function round3(x: number): number {
  return Math.round(x * 1e3) / 1e3;
}
