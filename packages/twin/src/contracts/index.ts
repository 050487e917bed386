export type * from './json.js';
export * from './ledger.js';
export type * from './assets.js';
export type * from './pack.js';
export type * from './scenario.js';
export type * from './interventions.js';
export { canonicalJson, sha256Hex, deepFreeze } from './canonical.js';
export { applyStatePatch, diffValue, isPointerKey, jsonEqual, valueAt } from './state-patch.js';
export * from './test-results.js';
