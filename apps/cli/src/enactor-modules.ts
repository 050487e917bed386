import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createControlPlanePack, enactorFromModule, type EnactorLogic } from '@doppel/pack-controlplane';
import { scenarioSha256, type AnyPack, type Json, type ResolvedScenario } from '@doppel/twin';
import { builtinPacks } from './packs.js';
import { UserError } from './user-error.js';

interface EnactorSection {
  readonly module?: string;
  readonly module_sha256?: string;
}

function enactorSection(scenario: ResolvedScenario): EnactorSection | undefined {
  if (scenario.pack !== 'controlplane') return undefined;
  const config = scenario.config as { enactor?: EnactorSection } | null;
  return config?.enactor?.module === undefined ? undefined : config.enactor;
}

/** The file of the user-supplied Enactor module a scenario names (`controlplane.enactor.module`), if any. */
export function enactorModuleOf(scenario: ResolvedScenario): string | undefined {
  const module = enactorSection(scenario)?.module;
  return module === undefined ? undefined : modulePath(scenario, module);
}

/** The module's file: relative paths are relative to the scenario file (else to the working directory). */
function modulePath(scenario: ResolvedScenario, module: string): string {
  const base = scenario.source.path === undefined ? process.cwd() : dirname(scenario.source.path);
  return resolve(base, module);
}

/** The scenario with the module's content SHA-256 in its config, so its identity (and the ledger's) covers the code. */
function withModuleHash(scenario: ResolvedScenario, sha256: string): ResolvedScenario {
  const config = scenario.config as { enactor: Record<string, Json> } & Record<string, Json>;
  const body = { ...scenario, config: { ...config, enactor: { ...config.enactor, module_sha256: sha256 } } };
  return Object.freeze({ ...body, sha256: scenarioSha256(body) });
}

export interface ScenariosWithEnactors {
  readonly scenarios: readonly ResolvedScenario[];
  readonly packs: readonly AnyPack[];
}

/**
 * Loads the user-supplied Enactor modules the scenarios name (`controlplane.enactor.module`): reads and hashes
 * each file, imports it, checks its export against the Enactor interface, and returns the scenarios with the hash
 * in their config and the pack list with a control-plane pack that knows the modules by the name the scenario uses.
 */
export async function loadEnactorModules(scenarios: readonly ResolvedScenario[]): Promise<ScenariosWithEnactors> {
  const enactors: Record<string, EnactorLogic> = {};
  const loaded: ResolvedScenario[] = [];
  for (const scenario of scenarios) {
    const section = enactorSection(scenario);
    if (section?.module === undefined) {
      loaded.push(scenario);
      continue;
    }
    const path = modulePath(scenario, section.module);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UserError(`controlplane.enactor.module: cannot read the Enactor module ${path}: ${reason}`);
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (enactors[section.module] === undefined) {
      let exports: Record<string, unknown>;
      try {
        exports = (await import(`${pathToFileURL(path).href}?sha256=${sha256}`)) as Record<string, unknown>;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new UserError(`controlplane.enactor.module: cannot import the Enactor module ${path}: ${reason}`);
      }
      enactors[section.module] = enactorFromModule(exports, path);
    }
    loaded.push(withModuleHash(scenario, sha256));
  }
  if (Object.keys(enactors).length === 0) return { scenarios: loaded, packs: builtinPacks };
  const controlPlane = createControlPlanePack({ enactors });
  return { scenarios: loaded, packs: builtinPacks.map((pack) => (pack.name === 'controlplane' ? controlPlane : pack)) };
}
