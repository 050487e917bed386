/**
 * The Enactor interface: the decisions that differ between Enactor versions. The twin owns the mechanics (polling,
 * write latency, retries, stalls, Route 53); an Enactor decides whether to take a plan, whether to write each
 * endpoint, what the zone's applied generation becomes, and which plans its clean-up deletes. A team replays its
 * own change by implementing this interface in a module.
 */

/** What an Enactor sees when it picks up the newest plan. */
export interface PickupView {
  readonly planGeneration: number;
  /** The zone's applied generation (the last plan an Enactor finished applying). */
  readonly appliedGeneration: number;
}

/** What an Enactor sees just before it writes one endpoint's record set. */
export interface WriteView {
  readonly planGeneration: number;
  readonly endpoint: string;
  /** Generation the endpoint's record set is written from now. */
  readonly endpointGeneration: number;
  readonly newestGeneration: number;
}

export interface PlanView {
  readonly generation: number;
  /** Record sets written from it. */
  readonly references: number;
  /** Enactors applying it right now. */
  readonly inFlight: number;
}

/** What an Enactor sees when it cleans up after applying a plan. */
export interface CleanupView {
  readonly appliedGeneration: number;
  readonly keepGenerations: number;
  /** The plans of the plan table, oldest first. */
  readonly plans: readonly PlanView[];
}

export interface EnactorLogic {
  readonly version: string;
  /** Takes the plan (true) or waits for a newer one. */
  pickUp(view: PickupView): boolean;
  /** Writes this endpoint (true) or skips it. */
  write(view: WriteView): boolean;
  /** The zone's applied generation after this Enactor finished applying `planGeneration`. */
  appliedAfter(zoneGeneration: number, planGeneration: number): number;
  /** Generations the clean-up deletes. */
  cleanup(view: CleanupView): readonly number[];
}

/** The Enactor of the incident: one staleness check at pickup, writes every endpoint, deletes by age alone. */
export const legacyEnactor: EnactorLogic = {
  version: 'legacy',
  pickUp: (view) => view.planGeneration > view.appliedGeneration,
  write: () => true,
  appliedAfter: (_zone, plan) => plan,
  cleanup: (view) =>
    view.plans
      .filter((plan) => plan.generation < view.appliedGeneration - view.keepGenerations)
      .map((plan) => plan.generation),
};

/** Checks staleness per endpoint at write time and never deletes a plan a record or an in-flight Enactor uses. */
export const guardedEnactor: EnactorLogic = {
  version: 'guarded',
  pickUp: (view) => view.planGeneration > view.appliedGeneration,
  write: (view) => view.planGeneration > view.endpointGeneration,
  appliedAfter: (zone, plan) => Math.max(zone, plan),
  cleanup: (view) =>
    view.plans
      .filter(
        (plan) =>
          plan.generation < view.appliedGeneration - view.keepGenerations &&
          plan.references === 0 &&
          plan.inFlight === 0,
      )
      .map((plan) => plan.generation),
};

export const BUILTIN_ENACTORS: Readonly<Record<string, EnactorLogic>> = {
  legacy: legacyEnactor,
  guarded: guardedEnactor,
};
