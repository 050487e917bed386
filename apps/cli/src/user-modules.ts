import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  importUserModule,
  packsWithUserModules,
  sha256Of,
  userModuleNamed,
  type LoadedUserModules,
} from '@doppel/server/user-modules';
import type { AnyPack, ResolvedScenario } from '@doppel/twin';
import { builtinPacks } from '@doppel/server/packs';
import { UserError } from './user-error.js';

/*
 * User-supplied modules in `doppel run` and `doppel test`: the file a scenario names, relative to the scenario
 * file. The kinds (Enactor, driving policy), hashing and importing are the server's (`@doppel/server/user-modules`, which a run's worker thread imports
 * without the rest of the server).
 */

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
  const named = userModuleNamed(scenario);
  if (named === undefined) return undefined;
  return {
    path: modulePath(scenario, named.module),
    noun: named.kind.noun,
    stalledCode: named.kind.stalledCode,
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
  const loaded: LoadedUserModules = new Map();
  const hashed: ResolvedScenario[] = [];
  for (const scenario of scenarios) {
    const named = userModuleNamed(scenario);
    if (named === undefined) {
      hashed.push(scenario);
      continue;
    }
    const { kind, module } = named;
    const path = modulePath(scenario, module);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UserError(`${kind.field}: cannot read the ${kind.noun} ${path}: ${reason}`);
    }
    const sha256 = sha256Of(bytes);
    const modules = loaded.get(kind) ?? {};
    loaded.set(kind, modules);
    if (modules[module] === undefined) {
      try {
        modules[module] = await importUserModule(kind, path, sha256, path);
      } catch (error) {
        throw new UserError(`${kind.field}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    hashed.push(kind.withModuleHash(scenario, sha256));
  }
  if (loaded.size === 0) return { scenarios: hashed, packs: builtinPacks };
  return { scenarios: hashed, packs: packsWithUserModules(builtinPacks, loaded) };
}
