import { z } from 'zod';
import { wireRecord } from './record.js';
import { jsonObjectSchema } from './json.js';

/**
 * Where a ledger event came from: the model itself (`sim`), an intervention's effect (`intervention`),
 * a bridge mirroring the real system (`live`), or a re-execution writing a new branch (`replay`).
 */
export const ledgerOriginSchema = z.enum(['sim', 'intervention', 'live', 'replay']);
export type LedgerOrigin = z.infer<typeof ledgerOriginSchema>;

const ledgerEventFields = {
  seq: z.number().describe('1-based, gap-free, per simulation'),
  simTime: z.number().describe('Seconds since the scenario start'),
  assetId: z.string(),
  eventType: z.string().describe("SCREAMING_SNAKE_CASE, in the seeds' vocabulary (SWAP_COMPLETED, ...)"),
  oldValue: jsonObjectSchema.nullable(),
  newValue: jsonObjectSchema.nullable(),
  meta: jsonObjectSchema.nullable(),
  origin: ledgerOriginSchema,
};

/**
 * One ledger event (seed 000 §4.1 plus seq, sim time and origin).
 *
 * `oldValue`/`newValue` are either null (an event that changes no state, e.g. a rider arriving) or state patches
 * holding ONLY what changed, before and after: top-level fields by name, values inside a field by JSON Pointer
 * ("/chargers/2/state"; see state-patch.ts). Folding the `newValue` patches of an asset in `seq` order over its
 * ASSET_CREATED state gives its state at any instant: the time slider depends on that rule.
 */
export const ledgerEventSchema = wireRecord('LedgerEvent', ledgerEventFields);
export type LedgerEvent = z.infer<typeof ledgerEventSchema>;

/**
 * A ledger event as it leaves a simulation (API records, ledger.csv): the event plus the simulation it belongs to,
 * so the ledgers of many simulations concatenate into one table (seed 000 §4.1 `simulation_events`).
 *
 * `simId` is deliberately outside the hash chain: the chain hashes `LedgerEvent` only. The same scenario, seed and
 * interventions give a bit-identical ledger and head hash in every simulation that runs them (two runs of the CLI,
 * a re-created simulation, a replay), and a branch shares its parent's sealed blocks and their hashes up to the
 * fork point although it has another id.
 */
export const simulationEventSchema = wireRecord('SimulationEvent', {
  simId: z.string().describe('The simulation the event belongs to (seed 000 simulation_events.sim_id)'),
  ...ledgerEventFields,
});
export type SimulationEvent = z.infer<typeof simulationEventSchema>;
