import type { Environment, ProcessGenerator } from '@doppel/engine';
import type { Asset, TwinModel } from '@doppel/twin';
import type { Plan, PlanTable } from './plans.js';
import type { EndpointState, PlannerState, ResolverState, ZoneState } from './state.js';

export interface EndpointRuntime {
  readonly index: number;
  /** Load balancers (Route 53 set identifiers) and the value each answers with. */
  readonly setIdentifiers: readonly string[];
  readonly values: readonly string[];
}
export type Endpoint = Asset<EndpointState, EndpointRuntime>;

export interface ResolverRuntime {
  /** When in its TTL cycle this resolver refreshes each endpoint (seconds in [0, ttl)). */
  readonly phases: Float64Array;
  /** 1 where its cached answer for the endpoint is empty. */
  readonly cachedEmpty: Uint8Array;
}
export type Resolver = Asset<ResolverState, ResolverRuntime>;

export type PlannerAsset = Asset<PlannerState, undefined>;

/**
 * The hosted zone: one weighted record set per endpoint, written from a plan. A record set answers with its plan's
 * values while the plan exists; deleting the plan empties every record set written from it. Keeps the counts the
 * rules and KPIs read (empty records, the spread of generations in the region) and the integrals of empty time.
 */
export class Zone {
  /** Record sets per generation they are written from (the region's spread). */
  private readonly perGeneration = new Map<number, number>();
  private emptyCount = 0;
  private emptyFrom = -1;
  private emptyIntegral = 0;
  private clientEmpty = 0;
  private clientIntegral = 0;
  private lastIntegralAt = 0;
  readonly insyncLatencies: number[] = [];
  staleWrites = 0;
  /** The generation each endpoint's record set is written from (endpoint index order). */
  readonly generations: Float64Array;

  constructor(
    private readonly env: Environment,
    private readonly twin: TwinModel,
    readonly asset: Asset<ZoneState, undefined>,
    readonly endpoints: readonly Endpoint[],
    readonly plans: PlanTable,
    readonly planner: PlannerAsset,
    readonly resolvers: readonly Resolver[],
    initialGeneration: number,
  ) {
    this.generations = new Float64Array(endpoints.length).fill(initialGeneration);
    if (endpoints.length > 0) this.perGeneration.set(initialGeneration, endpoints.length);
    for (const endpoint of endpoints) {
      const plan = plans.get(initialGeneration);
      if (endpoint.state.record_count === 0) this.emptyCount += 1;
      else if (plan !== undefined) plan.references += 1;
    }
    if (this.emptyCount > 0) this.emptyFrom = 0;
  }

  /** Seconds since the first of the currently empty record sets emptied (-1: none is empty). */
  emptySince(): number {
    return this.emptyFrom;
  }

  get empty(): number {
    return this.emptyCount;
  }

  /** Endpoint-seconds of empty record sets in the zone so far (the safety KPI). */
  emptyEndpointSeconds(): number {
    return this.emptyIntegral + this.emptyCount * (this.env.now - this.lastIntegralAt);
  }

  /** Endpoint-seconds clients were answered with an empty record, averaged over the resolvers. */
  clientEmptyEndpointSeconds(): number {
    const resolvers = Math.max(1, this.resolvers.length);
    return this.clientIntegral + (this.clientEmpty / resolvers) * (this.env.now - this.lastIntegralAt);
  }

  private integrate(): void {
    const dt = this.env.now - this.lastIntegralAt;
    if (dt > 0) {
      this.emptyIntegral += this.emptyCount * dt;
      this.clientIntegral += (this.clientEmpty / Math.max(1, this.resolvers.length)) * dt;
      this.lastIntegralAt = this.env.now;
    }
  }

  private count(generation: number, delta: number): void {
    const next = (this.perGeneration.get(generation) ?? 0) + delta;
    if (next === 0) this.perGeneration.delete(generation);
    else this.perGeneration.set(generation, next);
  }

  private spread(): number {
    let lo = Infinity;
    let hi = -Infinity;
    for (const generation of this.perGeneration.keys()) {
      if (generation < lo) lo = generation;
      if (generation > hi) hi = generation;
    }
    return hi >= lo ? hi - lo : 0;
  }

  /**
   * Writes record sets from `plan` as one change batch (endpoint indexes); each answers with the plan's values while
   * the plan exists. The batch is one RECORDS_WRITTEN event of the zone; an endpoint's own state changes (and is
   * recorded) only when it empties, answers again, or is written from an older plan than it held.
   */
  writeBatch(indexes: readonly number[], plan: Plan, writer: string): void {
    if (indexes.length === 0) return;
    const live = this.plans.get(plan.generation) === plan;
    const newest = this.plans.newest?.generation ?? plan.generation;
    const kinds = this.perGeneration.size;
    let regressions = 0;
    for (const index of indexes) {
      const endpoint = this.endpoints[index];
      const before = this.generations[index];
      const answered = endpoint.state.record_count > 0;
      const old = this.plans.get(before);
      if (old !== undefined && answered) old.references -= 1;
      if (live) plan.references += 1;
      this.count(before, -1);
      this.count(plan.generation, 1);
      this.generations[index] = plan.generation;
      const regressed = plan.generation < before;
      const recordCount = live ? endpoint.runtime.values.length : 0;
      if (regressed) {
        regressions += 1;
        this.staleWrites += 1;
      }
      if (!regressed && recordCount === endpoint.state.record_count) continue;
      this.twin.update(
        endpoint,
        { record_count: recordCount, regressions: endpoint.state.regressions + (regressed ? 1 : 0) },
        regressed ? 'RECORD_REGRESSED' : recordCount === 0 ? 'RECORD_WRITTEN_EMPTY' : 'RECORD_ANSWERS',
        { writer, plan_generation: plan.generation, previous_generation: before },
      );
      this.setEmpty(endpoint, answered, recordCount > 0);
    }
    this.twin.emit(this.asset, 'RECORDS_WRITTEN', {
      writer,
      plan_generation: plan.generation,
      endpoints: indexes.length,
      first: this.endpoints[indexes[0]].id,
      ranges: indexRuns(indexes),
      stale_by: Math.max(0, newest - plan.generation),
      regressions,
    });
    if (kinds !== this.perGeneration.size || regressions > 0) this.syncZone();
  }

  /** Deletes a plan from the plan table: every record set written from it empties. */
  deletePlan(generation: number, by: string): void {
    const plan = this.plans.delete(generation);
    if (plan === undefined) return;
    const active = plan.references > 0 || plan.inFlight > 0;
    this.twin.update(
      this.planner,
      {
        plans_stored: this.plans.size,
        plans_deleted: this.planner.state.plans_deleted + 1,
        active_deleted: this.planner.state.active_deleted + (active ? 1 : 0),
      },
      'PLAN_DELETED',
      { generation, deleted_by: by, referenced_by: plan.references, in_flight: plan.inFlight },
    );
    if (plan.references === 0) return;
    for (let index = 0; index < this.endpoints.length; index += 1) {
      const endpoint = this.endpoints[index];
      if (this.generations[index] !== generation || endpoint.state.record_count === 0) continue;
      this.twin.update(endpoint, { record_count: 0 }, 'RECORD_EMPTIED', { plan_generation: generation, by });
      this.setEmpty(endpoint, true, false);
    }
    plan.references = 0;
  }

  private setEmpty(endpoint: Endpoint, wasAnswering: boolean, answers: boolean): void {
    if (wasAnswering === answers) return;
    this.integrate();
    this.emptyCount += answers ? -1 : 1;
    if (this.emptyCount === 0) this.emptyFrom = -1;
    else if (this.emptyFrom < 0) this.emptyFrom = this.env.now;
    this.syncZone();
    for (const resolver of this.resolvers) this.scheduleRefresh(resolver, endpoint.runtime.index, !answers);
  }

  /** The resolver sees the change at its next refresh of the endpoint (clients recover as caches expire). */
  private scheduleRefresh(resolver: Resolver, index: number, empty: boolean): void {
    const ttl = resolver.state.ttl_s;
    const phase = resolver.runtime.phases[index];
    const wait = (((phase - this.env.now) % ttl) + ttl) % ttl;
    this.env.process(this.refresh(resolver, index, empty, wait), 'resolver-refresh');
  }

  private *refresh(resolver: Resolver, index: number, empty: boolean, wait: number): ProcessGenerator<void> {
    yield this.env.timeout(wait);
    const cached = resolver.runtime.cachedEmpty[index] === 1;
    if (cached === empty) return;
    this.integrate();
    resolver.runtime.cachedEmpty[index] = empty ? 1 : 0;
    this.clientEmpty += empty ? 1 : -1;
    this.twin.update(
      resolver,
      { empty_answers: resolver.state.empty_answers + (empty ? 1 : -1) },
      empty ? 'RESOLVER_ANSWER_EMPTY' : 'RESOLVER_ANSWER_RESTORED',
      { endpoint: this.endpoints[index].id },
    );
  }

  /** Brings the zone asset's counts level with the record sets. */
  syncZone(patch: Partial<ZoneState> = {}, eventType = 'ZONE_CHANGED'): void {
    this.twin.update(
      this.asset,
      { empty_records: this.emptyCount, generation_spread: this.spread(), ...patch },
      eventType,
    );
  }

  /** An Enactor's writes of one plan form a change batch: PENDING now, INSYNC after the propagation delay. */
  submitChange(plan: Plan, enactor: string, delay: number): void {
    this.syncZone({ pending_changes: this.asset.state.pending_changes + 1 }, 'CHANGE_PENDING');
    this.env.process(this.propagate(plan, enactor, delay), 'propagation');
  }

  private *propagate(plan: Plan, enactor: string, delay: number): ProcessGenerator<void> {
    yield this.env.timeout(delay);
    const latency = this.env.now - plan.createdAt;
    this.insyncLatencies.push(latency);
    this.twin.update(
      this.asset,
      { pending_changes: this.asset.state.pending_changes - 1, insync_changes: this.asset.state.insync_changes + 1 },
      'CHANGE_INSYNC',
      { plan_generation: plan.generation, enactor, latency_s: latency },
    );
  }
}

/**
 * Ascending endpoint indexes as inclusive runs (`[[0, 49]]` for a whole batch): which record sets a batch wrote, so
 * the generation each one answered from at any past instant can be read back from the ledger in a few numbers.
 */
export function indexRuns(indexes: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const index of indexes) {
    const last = runs[runs.length - 1];
    if (last !== undefined && index === last[1] + 1) last[1] = index;
    else runs.push([index, index]);
  }
  return runs;
}
