// The guarded Enactor as a user-supplied module: checks staleness per endpoint when it writes, never moves the
// zone's applied generation backwards, and never deletes a plan a record set or an in-flight Enactor uses.
export const enactor = {
  version: 'guarded-module',
  pickUp: (view) => view.planGeneration > view.appliedGeneration,
  write: (view) => view.planGeneration > view.endpointGeneration,
  appliedAfter: (zoneGeneration, planGeneration) => Math.max(zoneGeneration, planGeneration),
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
