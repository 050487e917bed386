import type { Environment, ProcessGenerator } from '@doppel/engine';
import type { Asset, AssetStatus, BuildContext, JsonObject, PackModel, PastJudge, TwinModel } from '@doppel/twin';
import { fleetConfigSchema, type FleetConfig } from './config.js';
import { fleetPastJudge, vehicleDrawingKpis, vehicleStatusOf } from './judge.js';
import { sourceKwh } from './models/dynamics.js';
import type { ScriptedActor } from './models/objects.js';
import { unloadedPolicy, type DrivingPolicy } from './models/policy.js';
import type { SensorSpecInput } from './models/sensors.js';
import type { Vehicle } from './models/vehicle.js';
import { frictionOf, WEATHER_EFFECTS, WEATHERS, type Weather } from './models/weather.js';
import type { WorldEvent } from './models/world.js';
import { FleetCase, type CaseResult } from './scenarios/case.js';
import { scenarioType } from './scenarios/library.js';
import { actorState, caseState, vehicleState } from './snapshots.js';
import type { ActorState, CaseState, VehicleState } from './state.js';
import type { AnyScenarioType, EgoEntity } from './scenarios/types.js';

/** What the host supplies to a build: the user's driving-policy modules, loaded, by the name the scenario uses. */
export interface FleetBuildOptions {
  readonly policies?: Readonly<Record<string, DrivingPolicy>>;
}

/** The runtime behind a vehicle asset: its model and the case it belongs to. */
export interface VehicleRuntime {
  readonly vehicle: Vehicle;
  readonly fleetCase: FleetCase;
}

export interface CaseRuntime {
  readonly fleetCase: FleetCase;
  result: CaseResult | null;
}

/** Every combination of the sweep's values, in order (the first parameter varies slowest). */
export function sweepCombinations(
  sweep: Readonly<Record<string, readonly unknown[]>> | undefined,
): Record<string, unknown>[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(sweep ?? {})) {
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [key]: value })));
  }
  return combos;
}

function caseSuffix(combo: Record<string, unknown>, many: boolean): string {
  if (!many) return '';
  return (
    '@' +
    Object.values(combo)
      .map((v) => String(v))
      .join('-')
  );
}

/**
 * The live model of one fleet simulation: one case per sweep combination, each a world stepped at a fixed rate by
 * an engine process, its vehicles, actors and the case itself as assets. Discrete changes (AEB stage, collision,
 * lane departure, fault, finish) are recorded when they happen; continuous state is sampled at `ledger.sample_hz`.
 */
export class FleetModel implements PackModel {
  readonly config: FleetConfig;
  readonly type: AnyScenarioType;
  readonly cases: CaseRuntime[] = [];
  private readonly env: Environment;
  private readonly twin: TwinModel;
  private readonly vehicleAssets = new Map<Vehicle, Asset<VehicleState, VehicleRuntime>>();
  private readonly actorAssets = new Map<ScriptedActor, Asset<ActorState, ScriptedActor>>();
  private readonly caseAssets = new Map<FleetCase, Asset<CaseState, CaseRuntime>>();

  constructor(context: BuildContext<FleetConfig>, options: FleetBuildOptions = {}) {
    this.env = context.env;
    this.twin = context.twin;
    this.config = fleetConfigSchema.parse(context.config);
    const test = this.config.test;
    this.type = scenarioType(test.type) as AnyScenarioType;
    const entity = this.config.entities.ego;
    const sensors: SensorSpecInput[] = entity.sensors.map((s) => (typeof s === 'string' ? { type: s } : s));
    const module = entity.policy?.module;
    const ego: EgoEntity = {
      model_type: entity.model_type,
      overrides: entity.overrides,
      sensors,
      behaviour: entity.behaviour,
      ...(module !== undefined ? { policy: options.policies?.[module] ?? unloadedPolicy(module) } : {}),
    };
    const combos = sweepCombinations(test.sweep);
    const dt = 1 / this.config.step_hz;
    for (const combo of combos) {
      const params = this.type.params.parse({ ...test.params, ...combo }) as Record<string, unknown>;
      const typeWeather =
        typeof params.weather === 'string' && (WEATHERS as readonly string[]).includes(params.weather)
          ? (params.weather as Weather)
          : null;
      const weather = typeWeather ?? this.config.environment.weather;
      const mu = typeWeather !== null ? WEATHER_EFFECTS[typeWeather].mu : frictionOf(this.config.environment);
      const suffix = caseSuffix(combo, combos.length > 1);
      const fleetCase = new FleetCase({
        id: `case${suffix}`,
        type: this.type,
        params,
        ctx: { ego, weather, mu },
        weather,
        gradeRad: Math.atan(this.config.environment.grade_pct / 100),
        dt,
        rng: (name) => context.twin.rng(`fleet/${name}${suffix}`),
        suffix,
        extraCriteria: test.criteria.map((c) => ({ ...c, name: c.name ?? c.score })),
      });
      const runtime: CaseRuntime = { fleetCase, result: null };
      this.cases.push(runtime);
      this.caseAssets.set(fleetCase, this.twin.createAsset('case', fleetCase.id, caseState(fleetCase, null), runtime));
      for (const vehicle of fleetCase.world.vehicles) {
        this.vehicleAssets.set(
          vehicle,
          this.twin.createAsset(
            'vehicle',
            vehicle.id,
            vehicleState(vehicle, fleetCase, this.config.ledger.detections),
            { vehicle, fleetCase },
          ),
        );
      }
      for (const actor of fleetCase.world.actors) {
        this.actorAssets.set(actor, this.twin.createAsset('actor', actor.id, actorState(actor, fleetCase), actor));
      }
      this.env.process(this.runCase(runtime), `case${suffix}`);
    }
  }

  private *runCase(runtime: CaseRuntime): ProcessGenerator<void> {
    const c = runtime.fleetCase;
    const world = c.world;
    const sampleEvery =
      this.config.ledger.sample_hz > 0
        ? Math.max(1, Math.round(this.config.step_hz / this.config.ledger.sample_hz))
        : 0;
    const dt = 1 / this.config.step_hz;
    while (!c.finished()) {
      yield this.env.timeout(dt);
      for (const { vehicle, fault } of c.applyDueFaults()) {
        this.sampleVehicle(vehicle, 'SENSOR_FAULT_INJECTED', { sensor: fault.sensor, ...fault.fault });
      }
      const events = world.step();
      for (const event of events) this.record(event);
      if (sampleEvery > 0 && world.stepCount % sampleEvery === 0) this.sample(c);
    }
    this.sample(c);
    runtime.result = c.result();
    const asset = this.caseAssets.get(c);
    if (asset !== undefined) {
      this.twin.update(asset, caseState(c, runtime.result), 'CASE_FINISHED', {
        verdict: runtime.result.verdict,
        failed: runtime.result.criteria.filter((k) => !k.passed).map((k) => k.name),
      });
    }
  }

  private sample(c: FleetCase): void {
    for (const vehicle of c.world.vehicles) this.sampleVehicle(vehicle, 'VEHICLE_STATE', null);
    for (const actor of c.world.actors) {
      const asset = this.actorAssets.get(actor);
      if (asset !== undefined) this.twin.update(asset, actorState(actor, c), 'ACTOR_STATE');
    }
    const asset = this.caseAssets.get(c);
    if (asset !== undefined && c.build.roads.length > 0)
      this.twin.update(asset, { stop_lines: caseState(c, null).stop_lines }, 'SIGNALS');
  }

  private sampleVehicle(vehicle: Vehicle, eventType: string, meta: JsonObject | null): void {
    const asset = this.vehicleAssets.get(vehicle);
    if (asset === undefined) return;
    this.twin.update(
      asset,
      vehicleState(vehicle, asset.runtime.fleetCase, this.config.ledger.detections, asset.state),
      eventType,
      meta,
      { always: meta !== null },
    );
  }

  private record(event: WorldEvent): void {
    switch (event.kind) {
      case 'aeb':
        this.sampleVehicle(event.vehicle, 'AEB_STATE_CHANGED', { from: event.from, to: event.to });
        return;
      case 'collision':
        this.sampleVehicle(event.vehicle, 'COLLISION', {
          with: event.other.id,
          relative_speed_kmh: Math.round(event.relSpeed * 360) / 100,
        });
        return;
      case 'lane_departure':
        this.sampleVehicle(event.vehicle, 'LANE_DEPARTURE', { offset_m: Math.round(event.offset * 100) / 100 });
        return;
      case 'red_light':
        this.sampleVehicle(event.vehicle, 'RED_LIGHT_VIOLATION', { signal: event.signal });
        return;
      case 'finished':
        this.sampleVehicle(event.vehicle, 'VEHICLE_FINISHED', { t_s: event.vehicle.metrics.finished_t ?? 0 });
        return;
    }
  }

  /** Result of every case (cases still running are judged on what they did so far). */
  results(): CaseResult[] {
    return this.cases.map((c) => c.result ?? c.fleetCase.result());
  }

  kpis(): Record<string, number> {
    let vehicles = 0;
    let collisions = 0;
    let energy = 0;
    let distance = 0;
    let finished = 0;
    let passed = 0;
    for (const c of this.cases) {
      if (c.result !== null) {
        finished++;
        if (c.result.verdict === 'pass') passed++;
      }
      for (const v of c.fleetCase.world.vehicles) {
        vehicles++;
        if (v.metrics.collided) collisions++;
        energy += sourceKwh(v.body);
        distance += v.body.odometer;
      }
    }
    return {
      cases: this.cases.length,
      cases_finished: finished,
      cases_passed: passed,
      cases_failed: finished - passed,
      vehicles,
      collisions,
      energy_kwh: energy,
      distance_km: distance / 1000,
    };
  }

  assetKpis(asset: Asset<JsonObject, unknown>): Record<string, number> {
    if (asset.kind !== 'vehicle') return {};
    const { vehicle } = asset.runtime as VehicleRuntime;
    const km = vehicle.body.odometer / 1000;
    return {
      speed_kmh: vehicle.body.v * 3.6,
      accel_mps2: vehicle.body.a,
      ttc_s: Number.isFinite(vehicle.perceivedTtc) ? vehicle.perceivedTtc : -1,
      min_gap_m: Number.isFinite(vehicle.metrics.min_gap) ? vehicle.metrics.min_gap : -1,
      energy_kwh: sourceKwh(vehicle.body),
      energy_kwh_per_km: km > 0.001 ? sourceKwh(vehicle.body) / km : 0,
      odometer_m: vehicle.body.odometer,
      ...vehicleDrawingKpis(vehicle, (sensor) => sensor.faults.dropout),
    };
  }

  assetStatus(asset: Asset<JsonObject, unknown>): AssetStatus {
    if (asset.kind === 'vehicle') {
      // The same rule as at a past instant, on the live model rather than the last sampled state.
      const { vehicle } = asset.runtime as VehicleRuntime;
      const status = vehicle.metrics.collided
        ? 'collided'
        : vehicle.metrics.finished_t !== null
          ? 'finished'
          : 'driving';
      return vehicleStatusOf({ status, aeb: vehicle.aeb });
    }
    if (asset.kind === 'case') {
      const runtime = asset.runtime as CaseRuntime;
      return runtime.result === null ? 'ok' : runtime.result.verdict === 'pass' ? 'ok' : 'critical';
    }
    return 'ok';
  }

  pastJudge(kind: string): PastJudge | undefined {
    return fleetPastJudge(kind, (id) => (this.twin.asset(id)?.runtime as VehicleRuntime | undefined)?.vehicle);
  }

  summary(): JsonObject {
    const results = this.results();
    const many = results.length > 1;
    const verdict = results.every((r) => r.verdict === 'pass') ? 'pass' : 'fail';
    const single = results[0];
    return {
      type: this.type.type,
      category: this.type.category,
      title: this.type.title,
      verdict,
      cases_passed: results.filter((r) => r.verdict === 'pass').length,
      cases_failed: results.filter((r) => r.verdict === 'fail').length,
      criteria: many
        ? results.flatMap((r) => r.criteria.map((c) => ({ ...c, name: `${r.case}: ${c.name}` })))
        : ((single?.criteria ?? []) as unknown as JsonObject[]),
      scores: many ? {} : ((single?.scores ?? {}) as JsonObject),
      cases: results as unknown as JsonObject[],
    } as JsonObject;
  }
}
