import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import {
  createControlPlanePack,
  enactorFromModule,
  enactorModuleName,
  scenarioWithModuleHash,
  type EnactorLogic,
} from '@doppel/pack-controlplane';
import {
  createFleetPack,
  policyFromModule,
  policyModuleName,
  policyModuleSha256,
  scenarioWithPolicyHash,
  type DrivingPolicy,
} from '@doppel/pack-fleet';
import type { AnyPack, ResolvedScenario } from '@doppel/twin';

/*
 * User-supplied modules: code a scenario names that runs inside the simulation (a control-plane Enactor, a fleet
 * driving policy). Each kind says where its scenario names the module and which pack runs it; finding, hashing,
 * importing and the watched run are the same for every kind, in `doppel run` / `doppel test` and in the server.
 */

export type UserModuleKindName = 'enactor' | 'policy';

/** The server's directory of modules of each kind (null: scenarios naming one are refused). */
export type UserModuleDirs = Readonly<Record<UserModuleKindName, string | null>>;

export interface UserModuleKind<T> {
  /** The kind's name, as in the server's option `--<name>-modules DIR`. */
  readonly name: UserModuleKindName;
  /** The pack whose scenarios name modules of this kind. */
  readonly pack: string;
  /** The field's path in a scenario file, for messages: `controlplane.enactor.module`. */
  readonly field: string;
  /** What a module is, for messages: "Enactor module". */
  readonly noun: string;
  /** The code a run stopped because the module made no progress fails with. */
  readonly stalledCode: string;
  /** The module the scenario names, as written. */
  moduleName(scenario: ResolvedScenario): string | undefined;
  /** The content SHA-256 the scenario was created with, once hashed. */
  moduleSha256(scenario: ResolvedScenario): string | undefined;
  /** The scenario with the module's content SHA-256 in it, so its identity (and the ledger's) covers the code. */
  withModuleHash(scenario: ResolvedScenario, sha256: string): ResolvedScenario;
  /** The module's export checked against its interface (throws naming the module and the member). */
  fromExports(exports: Record<string, unknown>, module: string): T;
  /** The kind's pack running these loaded modules, by the name the scenarios use. */
  packWith(modules: Readonly<Record<string, T>>): AnyPack;
}

export type AnyUserModuleKind = UserModuleKind<unknown>;

const enactorModules: UserModuleKind<EnactorLogic> = {
  name: 'enactor',
  pack: 'controlplane',
  field: 'controlplane.enactor.module',
  noun: 'Enactor module',
  stalledCode: 'DOPPEL_ERR_ENACTOR_MODULE_STALLED',
  moduleName: enactorModuleName,
  moduleSha256: (scenario) => (scenario.config as { enactor?: { module_sha256?: string } }).enactor?.module_sha256,
  withModuleHash: scenarioWithModuleHash,
  fromExports: enactorFromModule,
  packWith: (enactors) => createControlPlanePack({ enactors }),
};

const policyModules: UserModuleKind<DrivingPolicy> = {
  name: 'policy',
  pack: 'fleet',
  field: 'fleet.entities.ego.policy.module',
  noun: 'driving-policy module',
  stalledCode: 'DOPPEL_ERR_POLICY_MODULE_STALLED',
  moduleName: policyModuleName,
  moduleSha256: policyModuleSha256,
  withModuleHash: scenarioWithPolicyHash,
  fromExports: policyFromModule,
  packWith: (policies) => createFleetPack({ policies }),
};

/** Every kind of user-supplied module. */
export const USER_MODULE_KINDS: readonly AnyUserModuleKind[] = [
  enactorModules as AnyUserModuleKind,
  policyModules as AnyUserModuleKind,
];

/** The user-supplied module a scenario names, with its kind. */
export interface NamedUserModule {
  readonly kind: AnyUserModuleKind;
  readonly module: string;
}

export function userModuleNamed(scenario: ResolvedScenario): NamedUserModule | undefined {
  for (const kind of USER_MODULE_KINDS) {
    if (scenario.pack !== kind.pack) continue;
    const module = kind.moduleName(scenario);
    if (module !== undefined) return { kind, module };
  }
  return undefined;
}

export const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A module that cannot be imported, or whose export is not of its kind: the message names the module. */
export class UserModuleLoadError extends Error {
  override readonly name = 'UserModuleLoadError';
}

/**
 * Imports a module file (its URL carries the content hash, so a changed file is imported anew rather than taken
 * from the module cache) and checks its export against its kind's interface.
 */
export async function importUserModule(
  kind: AnyUserModuleKind,
  file: string,
  sha256: string,
  module: string,
): Promise<unknown> {
  let exports: Record<string, unknown>;
  try {
    exports = (await import(`${pathToFileURL(file).href}?sha256=${sha256}`)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserModuleLoadError(`cannot import the ${kind.noun} ${module}: ${reason}`);
  }
  try {
    return kind.fromExports(exports, module);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserModuleLoadError(typeof code === 'string' ? `${reason} [${code}]` : reason);
  }
}

/** The loaded modules of each kind, by the name the scenarios use. */
export type LoadedUserModules = Map<AnyUserModuleKind, Record<string, unknown>>;

/** The packs with each kind's pack replaced by one that runs the loaded modules of that kind. */
export function packsWithUserModules(packs: readonly AnyPack[], loaded: LoadedUserModules): AnyPack[] {
  const replaced = new Map<string, AnyPack>();
  for (const [kind, modules] of loaded) replaced.set(kind.pack, kind.packWith(modules));
  return packs.map((pack) => replaced.get(pack.name) ?? pack);
}
