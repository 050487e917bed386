import type { InterventionDefinition } from '@doppel/twin';
import { z } from 'zod';
import type { EnactorRuntime } from './enactor.js';
import type { EnactorState, OperatorState } from './state.js';

export const stallEnactor: InterventionDefinition<{ duration_seconds: number }, EnactorState, EnactorRuntime> = {
  name: 'stall',
  description:
    'Fault: the Enactor stalls before its next record write for this long (after the staleness check it already made).',
  args: z.strictObject({
    duration_seconds: z
      .number()
      .positive()
      .max(7 * 86_400),
  }),
  apply: (enactor, args) => {
    enactor.runtime.stall(args.duration_seconds);
  },
};

export interface OperatorRuntime {
  /** Repairs now; returns how many record sets were written. */
  readonly repair: () => number;
}

export const repairZone: InterventionDefinition<Record<string, never>, OperatorState, OperatorRuntime> = {
  name: 'repair',
  description: 'The operator repairs now: empty record sets are written from the newest plan, Enactors unstuck.',
  args: z.strictObject({}),
  apply: (operator) => ({ note: `${operator.runtime.repair()} record sets repaired` }),
};
