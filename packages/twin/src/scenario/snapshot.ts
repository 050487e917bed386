import { canonicalJson, deepFreeze, sha256Hex } from '../contracts/canonical.js';
import type { ResolvedScenario } from '../contracts/scenario.js';
import { TwinError, TwinErrorCode } from '../errors.js';

const REQUIRED_FIELDS = [
  'doppel',
  'name',
  'pack',
  'start',
  'timezone',
  'durationS',
  'seed',
  'telemetryIntervalS',
  'config',
  'inputs',
  'interventions',
  'breakpoints',
  'sha256',
] as const;

/** SHA-256 of a resolved scenario: canonical JSON of every field but `sha256` and `source`. */
export function scenarioSha256(
  scenario: Omit<ResolvedScenario, 'sha256' | 'source'> & Partial<ResolvedScenario>,
): string {
  const { sha256: _sha, source: _source, ...hashed } = scenario;
  return sha256Hex(canonicalJson(hashed));
}

/**
 * The scenario with another config, its hash computed again: the one way code that adds to a resolved scenario
 * after loading (a user-supplied module's content hash) keeps its identity covering what runs.
 */
export function scenarioWithConfig(scenario: ResolvedScenario, config: ResolvedScenario['config']): ResolvedScenario {
  const body = { ...scenario, config };
  return Object.freeze({ ...body, sha256: scenarioSha256(body) });
}

/**
 * Accepts a resolved scenario read back from a snapshot (config_snapshot.yaml, scenario.json, an API body) after
 * checking its shape and that its content still matches its hash: a hand-edited snapshot is refused, since its
 * hash would no longer identify what runs.
 */
export function resolvedScenarioFromSnapshot(value: unknown, where: string): ResolvedScenario {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TwinError(TwinErrorCode.ScenarioInvalid, `${where}: expected a resolved scenario object`);
  }
  const record = value as Record<string, unknown>;
  const missing = REQUIRED_FIELDS.filter((field) => !(field in record));
  if (missing.length > 0) {
    throw new TwinError(
      TwinErrorCode.ScenarioInvalid,
      `${where}: not a resolved scenario snapshot (missing ${missing.join(', ')})`,
      { missing },
    );
  }
  const scenario = value as ResolvedScenario;
  const actual = scenarioSha256(scenario);
  if (actual !== scenario.sha256) {
    throw new TwinError(
      TwinErrorCode.ScenarioInvalid,
      `${where}: content does not match its sha256 (expected ${scenario.sha256}, found ${actual}); ` +
        'a snapshot must not be edited: change the source scenario and configure again',
      { expected: scenario.sha256, found: actual },
    );
  }
  return deepFreeze(structuredClone(scenario));
}
