import { EDGE_CASE_TYPES } from './edge-cases.js';
import { PERFORMANCE_TYPES } from './performance.js';
import { SAFETY_TYPES } from './safety.js';
import type { AnyScenarioType } from './types.js';

/** The scenario library of seed 001, in its order: safety, performance, edge cases. */
export const SCENARIO_TYPES: readonly AnyScenarioType[] = [...SAFETY_TYPES, ...PERFORMANCE_TYPES, ...EDGE_CASE_TYPES];

export const SCENARIO_TYPE_NAMES = SCENARIO_TYPES.map((t) => t.type);

export function scenarioType(name: string): AnyScenarioType | undefined {
  return SCENARIO_TYPES.find((t) => t.type === name);
}
