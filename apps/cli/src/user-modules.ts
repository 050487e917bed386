import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createControlPlanePack,
  enactorFromModule,
  scenarioWithModuleHash,
  type EnactorLogic,
} from '@doppel/pack-controlplane';
import { createFleetPack, policyFromModule, type DrivingPolicy } from '@doppel/pack-fleet';
import { scenarioWithConfig, type AnyPack, type Json, type ResolvedScenario } from '@doppel/twin';
import { builtinPacks } from './packs.js';
import { UserError } from './user-error.js';

/*
 * User-supplied modules: code a scenario names that runs inside the simulation (a control-plane Enactor, a fleet
 * driving policy). Each kind says where its scenario names the module; loading, hashing and the watched run are
 * the same for all.
 */

interface ModuleSection {
  readonly module?: string;
  readonly module_sha256?: string;
}

interface ModuleKind<T> {
  readonly pack: string;
  /** The field's path in the scenario, for messages: `controlplane.enactor.module`. */
  readonly field: string;
  /** What the module is, for messages: "Enactor module". */
  readonly noun: string;
  /** The code a run stopped because the module made no progress fails with. */
  readonly stalledCode: string;
  section(config: Record<string, Json>): ModuleSection | undefined;
  /** The scenario with the module's content SHA-256 in its section, so its identity (and the ledger's) covers the code. */
  withModuleHash(scenario: ResolvedScenario, sha256: string): ResolvedScenario;
  fromExports(exports: Record<string, unknown>, path: string): T;
}

type Config = Record<string, Json>;
const record = (value: Json | undefined): Config | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;

const ENACTOR: ModuleKind<EnactorLogic> = {
  pack: 'controlplane',
  field: 'controlplane.enactor.module',
  noun: 'Enactor module',
  stalledCode: 'DOPPEL_ERR_ENACTOR_MODULE_STALLED',
  section: (config) => record(config.enactor) as ModuleSection | undefined,
  // The pack's own, which the server uses too: one spelling of where the hash goes.
  withModuleHash: scenarioWithModuleHash,
  fromExports: enactorFromModule,
};

const POLICY: ModuleKind<DrivingPolicy> = {
  pack: 'fleet',
  field: 'fleet.entities.ego.policy.module',
  noun: 'driving-policy module',
  stalledCode: 'DOPPEL_ERR_POLICY_MODULE_STALLED',
  section: (config) => record(record(record(config.entities)?.ego)?.policy) as ModuleSection | undefined,
  withModuleHash: (scenario, sha256) => {
    const config = scenario.config as Config;
    const entities = record(config.entities) ?? {};
    const ego = record(entities.ego) ?? {};
    const policy = { ...record(ego.policy), module_sha256: sha256 };
    return scenarioWithConfig(scenario, { ...config, entities: { ...entities, ego: { ...ego, policy } } });
  },
  fromExports: policyFromModule,
};

const KINDS: readonly ModuleKind<unknown>[] = [ENACTOR, POLICY];

function kindOf(scenario: ResolvedScenario): { kind: ModuleKind<unknown>; section: ModuleSection } | undefined {
  const config = record(scenario.config as Json);
  if (config === undefined) return undefined;
  for (const kind of KINDS) {
    if (scenario.pack !== kind.pack) continue;
    const section = kind.section(config);
    if (section?.module !== undefined) return { kind, section };
  }
  return undefined;
}

/** The module's file: relative paths are relative to the scenario file (else to the working directory). */
function modulePath(scenario: ResolvedScenario, module: string): string {
  const base = scenario.source.path === undefined ? process.cwd() : dirname(scenario.source.path);
  return resolve(base, module);
}

/** The user-supplied module a scenario runs, if any: its file, what it is, and the code of a stalled run. */
export interface UserModule {
  readonly path: string;
  readonly noun: string;
  readonly stalledCode: string;
}

export function userModuleOf(scenario: ResolvedScenario): UserModule | undefined {
  const found = kindOf(scenario);
  if (found?.section.module === undefined) return undefined;
  return {
    path: modulePath(scenario, found.section.module),
    noun: found.kind.noun,
    stalledCode: found.kind.stalledCode,
  };
}

export interface ScenariosWithModules {
  readonly scenarios: readonly ResolvedScenario[];
  readonly packs: readonly AnyPack[];
}

/**
 * Loads the user-supplied modules the scenarios name (`controlplane.enactor.module`,
 * `fleet.entities.ego.policy.module`): reads and hashes each file, imports it, checks its export against its
 * interface, and returns the scenarios with the hash in their config and the pack list with packs that know the
 * modules by the name the scenario uses.
 */
export async function loadUserModules(scenarios: readonly ResolvedScenario[]): Promise<ScenariosWithModules> {
  const loadedByKind = new Map<ModuleKind<unknown>, Record<string, unknown>>();
  const loaded: ResolvedScenario[] = [];
  for (const scenario of scenarios) {
    const found = kindOf(scenario);
    if (found?.section.module === undefined) {
      loaded.push(scenario);
      continue;
    }
    const { kind, section } = found;
    const name = section.module as string;
    const path = modulePath(scenario, name);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UserError(`${kind.field}: cannot read the ${kind.noun} ${path}: ${reason}`);
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const modules = loadedByKind.get(kind) ?? {};
    loadedByKind.set(kind, modules);
    if (modules[name] === undefined) {
      let exports: Record<string, unknown>;
      try {
        exports = (await import(`${pathToFileURL(path).href}?sha256=${sha256}`)) as Record<string, unknown>;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new UserError(`${kind.field}: cannot import the ${kind.noun} ${path}: ${reason}`);
      }
      modules[name] = kind.fromExports(exports, path);
    }
    loaded.push(kind.withModuleHash(scenario, sha256));
  }
  if (loadedByKind.size === 0) return { scenarios: loaded, packs: builtinPacks };
  const enactors = loadedByKind.get(ENACTOR) as Record<string, EnactorLogic> | undefined;
  const policies = loadedByKind.get(POLICY) as Record<string, DrivingPolicy> | undefined;
  const replaced: Record<string, AnyPack> = {
    ...(enactors !== undefined ? { controlplane: createControlPlanePack({ enactors }) } : {}),
    ...(policies !== undefined ? { fleet: createFleetPack({ policies }) } : {}),
  };
  return { scenarios: loaded, packs: builtinPacks.map((pack) => replaced[pack.name] ?? pack) };
}
