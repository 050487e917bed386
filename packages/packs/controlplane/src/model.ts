import type { Environment, ProcessGenerator, RandomStream } from '@doppel/engine';
import type { Asset, BuildContext, JsonObject, PackModel, TwinModel } from '@doppel/twin';
import type { ControlPlaneConfig } from './config.js';
import { enactorProcess, type Enactor, type EnactorRuntime } from './enactor.js';
import { BUILTIN_ENACTORS, type EnactorLogic } from './enactor-logic.js';
import { unloadedEnactor } from './enactor-module.js';
import { endpointsFromRecords, generatedEndpoints, type EndpointSeed } from './endpoints.js';
import { PlanTable } from './plans.js';
import { replayProcess, type ReplayAsset } from './replay.js';
import type { OperatorRuntime } from './interventions.js';
import type { EnactorState, OperatorState, PlannerState, ZoneState } from './state.js';
import { Zone, type Endpoint, type PlannerAsset, type Resolver } from './zone.js';

export const AVAILABILITY_ZONES = ['use1-az1', 'use1-az2', 'use1-az4', 'use1-az5', 'use1-az6', 'use1-az3'];

/** Extra Enactor versions a host (a test, the CLI's --enactor module) makes available by name. */
export interface ControlPlaneBuildOptions {
  readonly enactors?: Readonly<Record<string, EnactorLogic>>;
}

type OperatorAsset = Asset<OperatorState, OperatorRuntime>;

/** The control-plane model: builds the assets from the capture (or the config) and starts every process. */
export class ControlPlaneModel implements PackModel {
  readonly zone: Zone;
  readonly enactors: Enactor[] = [];
  readonly operator: OperatorAsset;
  readonly replay: ReplayAsset | undefined;
  private readonly offsets: Int32Array;
  private readonly env: Environment;
  private readonly twin: TwinModel;

  constructor(context: BuildContext<ControlPlaneConfig>, options: ControlPlaneBuildOptions = {}) {
    const { env, twin, config, inputs } = context;
    this.env = env;
    this.twin = twin;
    const seeds: EndpointSeed[] =
      inputs.records !== undefined
        ? endpointsFromRecords(inputs.records)
        : generatedEndpoints(config.endpoints, twin.rng('endpoints'));
    this.offsets = new Int32Array(seeds.length + 1);
    seeds.forEach((seed, i) => (this.offsets[i + 1] = this.offsets[i] + seed.setIdentifiers.length));

    // The plan table: the captured plans (their weights are the captured record sets'), or generation 1.
    const plans = new PlanTable();
    const captured = (inputs.plans ?? []).map((row) => (row as { generation: number }).generation);
    const generations = captured.length > 0 ? [...new Set(captured)].sort((a, b) => a - b) : [1];
    const newest = generations[generations.length - 1];
    const weights = new Float64Array(this.offsets[seeds.length]);
    seeds.forEach((seed, i) => seed.weights.forEach((w, j) => (weights[this.offsets[i] + j] = w)));
    for (const generation of generations) plans.add(generation, generation - newest, weights);

    const planner: PlannerAsset = twin.createAsset<PlannerState, undefined>('planner', 'planner', {
      newest_generation: newest,
      plans_stored: plans.size,
      plans_deleted: 0,
      active_deleted: 0,
    });
    const endpoints: Endpoint[] = seeds.map((seed, index) =>
      twin.createAsset(
        'endpoint',
        seed.name.replace(/\.$/, ''),
        {
          name: seed.name,
          index,
          ttl_s: seed.ttl,
          record_count: seed.values.length,
          regressions: 0,
        },
        { index, setIdentifiers: seed.setIdentifiers, values: seed.values },
      ),
    );
    const ttl = seeds.length > 0 ? Math.min(...seeds.map((s) => s.ttl)) : config.endpoints.ttl_s;
    const resolvers: Resolver[] = [];
    for (let r = 0; r < config.resolvers.count; r += 1) {
      const phaseRng = twin.rng(`resolver/${r + 1}/phases`);
      const phases = new Float64Array(seeds.length);
      for (let i = 0; i < phases.length; i += 1) phases[i] = phaseRng.uniform(0, ttl);
      resolvers.push(
        twin.createAsset(
          'resolver',
          `resolver-${r + 1}`,
          { ttl_s: ttl, empty_answers: 0 },
          {
            phases,
            cachedEmpty: new Uint8Array(seeds.length),
          },
        ),
      );
    }
    const zoneAsset = twin.createAsset<ZoneState, undefined>('zone', 'zone', {
      hosted_zone: config.endpoints.domain,
      applied_generation: newest,
      pending_changes: 0,
      insync_changes: 0,
      empty_records: 0,
      generation_spread: 0,
    });
    this.zone = new Zone(env, twin, zoneAsset, endpoints, plans, planner, resolvers, newest);

    const module = config.enactor.module;
    const logic =
      module === undefined
        ? { ...BUILTIN_ENACTORS, ...options.enactors }[config.enactor.version]
        : (options.enactors?.[module] ?? unloadedEnactor(module));
    if (logic === undefined) throw new Error(`no Enactor version "${config.enactor.version}"`);
    for (let e = 0; e < config.enactor.count; e += 1) {
      const az = AVAILABILITY_ZONES[e % AVAILABILITY_ZONES.length];
      const enactor = twin.createAsset<EnactorState, EnactorRuntime>(
        'enactor',
        `enactor-${e + 1}`,
        {
          version: logic.version,
          zone: az,
          status: 'idle',
          plan_generation: newest,
          plans_applied: 0,
          endpoints_written: 0,
          endpoints_skipped: 0,
          retries: 0,
          plans_deleted: 0,
          stalls: 0,
          stuck: false,
        },
        { logic, stallUntil: 0, current: undefined, stall: (seconds: number) => this.stall(enactor, seconds) },
      );
      this.enactors.push(enactor);
      env.process(enactorProcess(env, twin, this.zone, enactor, config.enactor, config.zone.propagation_s), enactor.id);
    }
    this.operator = twin.createAsset<OperatorState, OperatorRuntime>(
      'operator',
      'operator',
      { repairs: 0, endpoints_repaired: 0 },
      { repair: () => this.repair() },
    );
    env.process(this.operatorProcess(config.operator), 'operator');

    const events = inputs.events;
    const plannerRng = twin.rng('planner');
    if (events !== undefined) {
      this.replay = twin.createAsset('replay', 'replay', { events_replayed: 0, outcomes_met: 0, outcomes_missed: 0 });
      env.process(
        replayProcess(env, twin, this, this.replay, events, context.scenario.start, () =>
          this.generatePlan(config.planner.weight_changes, plannerRng),
        ),
        'replay',
      );
    } else {
      env.process(this.plannerProcess(config.planner, plannerRng), 'planner');
    }
  }

  /** The planner: a new generation every period ± jitter. */
  private *plannerProcess(spec: ControlPlaneConfig['planner'], rng: RandomStream): ProcessGenerator<void> {
    for (;;) {
      const jitter = spec.jitter_s > 0 ? rng.uniform(-spec.jitter_s, spec.jitter_s) : 0;
      yield this.env.timeout(Math.max(0.001, spec.period_s + jitter));
      this.generatePlan(spec.weight_changes, rng);
    }
  }

  /** Makes the next plan generation: the newest plan's weights with a share of the load balancers re-weighted. */
  generatePlan(changes: number, rng: RandomStream): number {
    const plans = this.zone.plans;
    const planner = this.zone.planner;
    const previous = plans.newest;
    const weights = previous !== undefined ? previous.weights.slice() : new Float64Array(this.offsets.at(-1) ?? 0);
    const total = weights.length;
    const changed = Math.round(total * changes);
    for (let k = 0; k < changed; k += 1) weights[rng.integer(0, total - 1)] = rng.integer(0, 100);
    const generation = planner.state.newest_generation + 1;
    plans.add(generation, this.env.now, weights);
    this.twin.update(planner, { newest_generation: generation, plans_stored: plans.size }, 'PLAN_GENERATED', {
      generation,
      weights_changed: changed,
    });
    return generation;
  }

  /** Stalls an Enactor: it stops before its next record write for `seconds`. */
  stall(enactor: Enactor, seconds: number): void {
    enactor.runtime.stallUntil = Math.max(enactor.runtime.stallUntil, this.env.now + seconds);
    this.twin.update(enactor, { stalls: enactor.state.stalls + 1 }, 'STALL_INJECTED', { duration_s: seconds });
  }

  /**
   * The operator: once a record set has been empty, or an Enactor stuck, for the threshold, repairs the zone:
   * every empty record set is written from the newest plan and the Enactors are unstuck.
   */
  private *operatorProcess(spec: ControlPlaneConfig['operator']): ProcessGenerator<void> {
    const stuckSince = new Map<string, number>();
    for (;;) {
      yield this.env.timeout(spec.check_s);
      for (const enactor of this.enactors) {
        if (!enactor.state.stuck) stuckSince.delete(enactor.id);
        else if (!stuckSince.has(enactor.id)) stuckSince.set(enactor.id, this.env.now);
      }
      const since = this.zone.emptySince();
      const emptyTooLong = since >= 0 && this.env.now - since >= spec.stuck_threshold_s;
      const stuckTooLong = [...stuckSince.values()].some((t) => this.env.now - t >= spec.stuck_threshold_s);
      if (!emptyTooLong && !stuckTooLong) continue;
      this.twin.emit(this.operator, 'REPAIR_STARTED', { empty_records: this.zone.empty });
      if (spec.repair_s > 0) yield this.env.timeout(spec.repair_s);
      this.repair();
      stuckSince.clear();
    }
  }

  /** Writes every empty record set from the newest plan, unsticks the Enactors and resets the applied generation. */
  repair(): number {
    const newest = this.zone.plans.newest;
    let repaired = 0;
    if (newest !== undefined) {
      const empty = this.zone.endpoints.flatMap((endpoint, index) => (endpoint.state.record_count > 0 ? [] : [index]));
      this.zone.writeBatch(empty, newest, 'operator');
      repaired = empty.length;
      this.zone.syncZone({ applied_generation: newest.generation }, 'APPLIED_GENERATION_SET');
    }
    for (const enactor of this.enactors) {
      if (enactor.state.stuck) this.twin.update(enactor, { stuck: false }, 'ENACTOR_RECOVERED');
    }
    this.twin.update(
      this.operator,
      {
        repairs: this.operator.state.repairs + 1,
        endpoints_repaired: this.operator.state.endpoints_repaired + repaired,
      },
      'REPAIR_FINISHED',
      { repaired },
    );
    return repaired;
  }

  private insyncQuantile(q: number): number {
    const samples = this.zone.insyncLatencies;
    if (samples.length === 0) return 0;
    if (this.sortedFor !== samples.length) {
      this.sorted = Float64Array.from(samples).sort();
      this.sortedFor = samples.length;
    }
    const sorted = this.sorted;
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  }
  private sorted = new Float64Array(0);
  private sortedFor = -1;

  kpis(): Record<string, number> {
    return {
      newest_generation: this.zone.planner.state.newest_generation,
      applied_generation: this.zone.asset.state.applied_generation,
      empty_records: this.zone.empty,
      empty_record_endpoint_seconds: this.zone.emptyEndpointSeconds(),
      client_empty_endpoint_seconds: this.zone.clientEmptyEndpointSeconds(),
      plan_to_insync_p50_s: this.insyncQuantile(0.5),
      plan_to_insync_p99_s: this.insyncQuantile(0.99),
      stale_writes: this.zone.staleWrites,
      active_plans_deleted: this.zone.planner.state.active_deleted,
      enactors_stuck: this.enactors.filter((e) => e.state.stuck).length,
      repairs: this.operator.state.repairs,
      outcomes_missed: this.replay?.state.outcomes_missed ?? 0,
    };
  }

  assetKpis(asset: Asset<JsonObject, unknown>): Record<string, number> {
    if (asset.kind === 'endpoint') {
      const runtime = asset.runtime as Endpoint['runtime'];
      return {
        applied_generation: this.zone.generations[runtime.index],
        record_count: (asset.state as unknown as Endpoint['state']).record_count,
      };
    }
    return {};
  }

  assetStatus(asset: Asset<JsonObject, unknown>): 'ok' | 'warning' | 'critical' | 'offline' {
    if (asset.kind === 'endpoint')
      return (asset.state as unknown as Endpoint['state']).record_count === 0 ? 'critical' : 'ok';
    if (asset.kind === 'enactor') {
      const state = asset.state as unknown as EnactorState;
      return state.stuck ? 'critical' : state.status === 'stalled' ? 'warning' : 'ok';
    }
    return 'ok';
  }

  summary(): JsonObject {
    const kpis = this.kpis();
    return {
      enactor_version: this.enactors[0]?.state.version ?? '',
      endpoints: this.zone.endpoints.length,
      plan_generations: kpis.newest_generation,
      ...kpis,
      safety: kpis.empty_record_endpoint_seconds === 0 ? 'no record set was ever empty' : 'record sets were empty',
    };
  }
}
