import type { Environment, ProcessGenerator, RandomStream } from '@doppel/engine';
import type { Asset, TwinModel } from '@doppel/twin';
import type { ControlPlaneConfig } from './config.js';
import type { EnactorLogic } from './enactor-logic.js';
import type { Plan } from './plans.js';
import type { EnactorState } from './state.js';
import type { Zone } from './zone.js';

export interface EnactorRuntime {
  readonly logic: EnactorLogic;
  /** Sim time until which it is stalled (a fault the twin injects); it stalls before its next record write. */
  stallUntil: number;
  /** The plan it is applying (held so the guarded clean-up can see it). */
  current: Plan | undefined;
  /** Injects a stall of `seconds` (the `stall` intervention, an event-log stall). */
  readonly stall: (seconds: number) => void;
}
export type Enactor = Asset<EnactorState, EnactorRuntime>;

/** Per-apply tallies, written to the enactor's state once the plan is done (not on every record). */
interface Tally {
  written: number;
  skipped: number;
  retries: number;
}

/**
 * One Enactor's process: look for the newest plan, decide with its logic whether to take it, write the endpoints
 * one by one (latency, retries with backoff, stalls), record the change batch, set the zone's applied generation,
 * clean up. A record set whose plan is gone cannot be written (the change's precondition fails): after its retries
 * the Enactor gives the plan up and is stuck until the operator repairs the zone.
 */
export function* enactorProcess(
  env: Environment,
  twin: TwinModel,
  zone: Zone,
  enactor: Enactor,
  spec: ControlPlaneConfig['enactor'],
  propagationS: number,
): ProcessGenerator<void> {
  const polls = twin.rng(`enactor/${enactor.id}/poll`);
  const writes = twin.rng(`enactor/${enactor.id}/writes`);
  const propagation = twin.rng(`enactor/${enactor.id}/propagation`);
  const logic = enactor.runtime.logic;
  for (;;) {
    yield env.timeout(polls.uniform(0.5 * spec.poll_s, 1.5 * spec.poll_s));
    const plan = zone.plans.newest;
    if (plan === undefined) continue;
    if (!logic.pickUp({ planGeneration: plan.generation, appliedGeneration: zone.asset.state.applied_generation })) {
      continue;
    }
    plan.inFlight += 1;
    enactor.runtime.current = plan;
    twin.update(enactor, { status: 'applying', plan_generation: plan.generation }, 'APPLY_STARTED');
    const tally: Tally = { written: 0, skipped: 0, retries: 0 };
    let gaveUp = false;
    const size = spec.batch_size;
    for (let first = 0; first < zone.endpoints.length && !gaveUp; first += size) {
      yield* stallIfInjected(env, twin, enactor);
      const count = Math.min(size, zone.endpoints.length - first);
      gaveUp = !(yield* writeBatchWithRetries(env, twin, zone, enactor, first, count, plan, spec, writes, tally));
    }
    plan.inFlight -= 1;
    enactor.runtime.current = undefined;
    if (tally.written > 0) {
      zone.submitChange(plan, enactor.id, propagation.lognormalFromMeanSd(propagationS, 0.3 * propagationS));
    }
    const counts = {
      endpoints_written: enactor.state.endpoints_written + tally.written,
      endpoints_skipped: enactor.state.endpoints_skipped + tally.skipped,
      retries: enactor.state.retries + tally.retries,
    };
    if (gaveUp) {
      twin.update(enactor, { ...counts, status: 'idle', stuck: true }, 'ENACTOR_STUCK', {
        plan_generation: plan.generation,
      });
      continue;
    }
    twin.update(enactor, { ...counts, plans_applied: enactor.state.plans_applied + 1 }, 'APPLY_FINISHED', {
      written: tally.written,
      skipped: tally.skipped,
    });
    zone.syncZone(
      { applied_generation: logic.appliedAfter(zone.asset.state.applied_generation, plan.generation) },
      'APPLIED_GENERATION_SET',
    );
    twin.update(enactor, { status: 'cleaning' }, 'CLEANUP_STARTED');
    const doomed = logic.cleanup({
      appliedGeneration: plan.generation,
      keepGenerations: spec.keep_generations,
      plans: zone.plans
        .list()
        .map((p) => ({ generation: p.generation, references: p.references, inFlight: p.inFlight })),
    });
    let deleted = 0;
    for (const generation of doomed) {
      if (zone.plans.get(generation) === undefined) continue;
      zone.deletePlan(generation, enactor.id);
      deleted += 1;
    }
    twin.update(enactor, { status: 'idle', plans_deleted: enactor.state.plans_deleted + deleted }, 'CLEANUP_FINISHED', {
      deleted,
    });
  }
}

function* stallIfInjected(env: Environment, twin: TwinModel, enactor: Enactor): ProcessGenerator<void> {
  if (enactor.runtime.stallUntil <= env.now) return;
  const status = enactor.state.status;
  twin.update(enactor, { status: 'stalled' }, 'ENACTOR_STALLED', { until_s: enactor.runtime.stallUntil });
  // A stall injected while stalled extends it: wait until the latest end.
  while (enactor.runtime.stallUntil > env.now) yield env.timeout(enactor.runtime.stallUntil - env.now);
  twin.update(enactor, { status }, 'ENACTOR_RESUMED');
}

/**
 * One change batch: the Enactor decides per endpoint (at the moment of the change, on the record sets as they are
 * then) which to write, and Route 53 applies them all or none. Returns false once the retries are used up.
 */
function* writeBatchWithRetries(
  env: Environment,
  twin: TwinModel,
  zone: Zone,
  enactor: Enactor,
  first: number,
  count: number,
  plan: Plan,
  spec: ControlPlaneConfig['enactor'],
  writes: RandomStream,
  tally: Tally,
): ProcessGenerator<boolean> {
  const logic = enactor.runtime.logic;
  for (let attempt = 0; attempt <= spec.max_retries; attempt += 1) {
    if (attempt > 0) {
      tally.retries += 1;
      yield env.timeout(spec.backoff_s * 2 ** (attempt - 1));
      yield* stallIfInjected(env, twin, enactor);
    }
    yield env.timeout(writes.gamma(count, spec.write_latency_s));
    const newestGeneration = zone.plans.newest?.generation ?? plan.generation;
    const chosen: number[] = [];
    let orphaned = false;
    for (let index = first; index < first + count; index += 1) {
      const endpoint = zone.endpoints[index];
      const write = logic.write({
        planGeneration: plan.generation,
        endpoint: endpoint.id,
        endpointGeneration: zone.generations[index],
        newestGeneration,
      });
      if (!write) continue;
      chosen.push(index);
      // The change's precondition: the record set's current plan exists. An emptied record set fails every time.
      if (endpoint.state.record_count === 0) orphaned = true;
    }
    if (chosen.length === 0) {
      tally.skipped += count;
      return true;
    }
    if (orphaned || writes.bernoulli(spec.failure_probability)) continue;
    zone.writeBatch(chosen, plan, enactor.id);
    tally.written += chosen.length;
    tally.skipped += count - chosen.length;
    return true;
  }
  return false;
}
