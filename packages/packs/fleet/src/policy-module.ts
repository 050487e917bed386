import { scenarioWithConfig, type Json, type ResolvedScenario } from '@doppel/twin';

/*
 * Where a fleet scenario names its user-supplied driving-policy module (`entities.ego.policy`), for the hosts that
 * load it (doppel run / test, the server): one spelling of the field and of where the module's hash goes.
 */

type Config = Record<string, Json>;
const record = (value: Json | undefined): Config | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;

function policySection(scenario: ResolvedScenario): Config | undefined {
  if (scenario.pack !== 'fleet') return undefined;
  return record(record(record(record(scenario.config as Json)?.entities)?.ego)?.policy);
}

/** The driving-policy module a fleet scenario names (`entities.ego.policy.module`, as written), if any. */
export function policyModuleName(scenario: ResolvedScenario): string | undefined {
  const module = policySection(scenario)?.module;
  return typeof module === 'string' ? module : undefined;
}

/** The module's content SHA-256 the scenario was created with (`entities.ego.policy.module_sha256`), if any. */
export function policyModuleSha256(scenario: ResolvedScenario): string | undefined {
  const sha256 = policySection(scenario)?.module_sha256;
  return typeof sha256 === 'string' ? sha256 : undefined;
}

/**
 * The fleet scenario with its policy module's content SHA-256 in `entities.ego.policy.module_sha256`, so its
 * identity (and every ledger made from it) covers the code.
 */
export function scenarioWithPolicyHash(scenario: ResolvedScenario, sha256: string): ResolvedScenario {
  const config = scenario.config as Config;
  const entities = record(config.entities) ?? {};
  const ego = record(entities.ego) ?? {};
  const policy = { ...record(ego.policy), module_sha256: sha256 };
  return scenarioWithConfig(scenario, { ...config, entities: { ...entities, ego: { ...ego, policy } } });
}
