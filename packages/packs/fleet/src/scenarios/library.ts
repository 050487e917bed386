import { EDGE_CASE_TYPES } from './edge-cases.js';
import { liveFork } from './live-fork.js';
import { PERFORMANCE_TYPES } from './performance.js';
import { SAFETY_TYPES } from './safety.js';
import type { AnyScenarioType } from './types.js';

/** The scenario library of seed 001, in its order: safety, performance, edge cases. */
export const SCENARIO_TYPES: readonly AnyScenarioType[] = [...SAFETY_TYPES, ...PERFORMANCE_TYPES, ...EDGE_CASE_TYPES];

/** Every type a scenario may name: the library's, and the what-if fork of the live fleet (a copy, not a test). */
const KNOWN_TYPES: readonly AnyScenarioType[] = [...SCENARIO_TYPES, liveFork];

export const SCENARIO_TYPE_NAMES = KNOWN_TYPES.map((t) => t.type);

export function scenarioType(name: string): AnyScenarioType | undefined {
  return KNOWN_TYPES.find((t) => t.type === name);
}
