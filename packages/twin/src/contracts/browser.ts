// The browser-safe entry of the twin (`@doppel/twin/contracts`): the wire contract and the pure helpers that read it.
// Nothing here, nor anything it imports, may touch Node: the web UI and the client bundle it.
export type * from './json.js';
export * from './wire/index.js';
export { ASSET_CREATED, simulationEvent, type LedgerQuery as StoreLedgerQuery } from './ledger.js';
export { applyStatePatch, diffValue, isPointerKey, jsonEqual, valueAt } from './state-patch.js';
export * from './test-results.js';
