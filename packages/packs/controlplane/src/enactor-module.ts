import { scenarioWithConfig, type Json, type ResolvedScenario } from '@doppel/twin';
import type { EnactorLogic } from './enactor-logic.js';

/** The members an Enactor module's object must have, and what each must be. */
const MEMBERS = [
  ['pickUp', 'function'],
  ['write', 'function'],
  ['appliedAfter', 'function'],
  ['cleanup', 'function'],
] as const;

/** A user-supplied Enactor module that is not one (DOPPEL_ERR_ENACTOR_MODULE_INVALID) or failed in a call. */
export class EnactorModuleError extends Error {
  constructor(
    readonly code: 'DOPPEL_ERR_ENACTOR_MODULE_INVALID' | 'DOPPEL_ERR_ENACTOR_MODULE_FAILED',
    readonly module: string,
    message: string,
  ) {
    super(`${module}: ${message}`);
    this.name = 'EnactorModuleError';
  }
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * Finds the Enactor in a module's exports (`enactor`, else the default export) and checks it has every member of
 * the interface; `module` names the file in errors.
 */
export function enactorFromModule(exports: Readonly<Record<string, unknown>>, module: string): EnactorLogic {
  const candidate = exports.enactor ?? exports.default;
  if (typeof candidate !== 'object' || candidate === null) {
    throw new EnactorModuleError(
      'DOPPEL_ERR_ENACTOR_MODULE_INVALID',
      module,
      `expected an export \`enactor\` (or a default export) that is an object with pickUp, write, appliedAfter and ` +
        `cleanup, found ${describe(candidate)}`,
    );
  }
  const object = candidate as Record<string, unknown>;
  for (const [name, type] of MEMBERS) {
    if (typeof object[name] !== type) {
      throw new EnactorModuleError(
        'DOPPEL_ERR_ENACTOR_MODULE_INVALID',
        module,
        `the Enactor lacks member \`${name}\`: expected a ${type}, found ${describe(object[name])}`,
      );
    }
  }
  return guarded(object as unknown as EnactorLogic, module);
}

/** Wraps each call so an exception of the module's code fails the run with the module and the call named. */
function guarded(logic: EnactorLogic, module: string): EnactorLogic {
  const call = <T>(name: string, run: () => T): T => {
    try {
      return run();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new EnactorModuleError('DOPPEL_ERR_ENACTOR_MODULE_FAILED', module, `${name}() threw: ${reason}`);
    }
  };
  return {
    version: typeof logic.version === 'string' ? logic.version : 'module',
    pickUp: (view) => call('pickUp', () => logic.pickUp(view)),
    write: (view) => call('write', () => logic.write(view)),
    appliedAfter: (zone, plan) => call('appliedAfter', () => logic.appliedAfter(zone, plan)),
    cleanup: (view) => call('cleanup', () => logic.cleanup(view)),
  };
}

/**
 * Stands for a module the host has not loaded: the model still builds (a test file's asset ids are checked that
 * way, before its modules are loaded) and a run fails at the module's first call instead of running other code.
 */
export function unloadedEnactor(module: string): EnactorLogic {
  const fail = (): never => {
    throw new EnactorModuleError(
      'DOPPEL_ERR_ENACTOR_MODULE_FAILED',
      module,
      'the Enactor module is not loaded: run the scenario with doppel run, doppel test or the server, which load it',
    );
  };
  return { version: 'module', pickUp: fail, write: fail, appliedAfter: fail, cleanup: fail };
}

/**
 * The control-plane scenario with a user-supplied module's content SHA-256 in `enactor.module_sha256`, so its
 * identity (and every ledger made from it) covers the code; other scenarios come back as they are.
 */
export function scenarioWithModuleHash(scenario: ResolvedScenario, sha256: string): ResolvedScenario {
  const config = scenario.config as { enactor: Record<string, Json> } & Record<string, Json>;
  return scenarioWithConfig(scenario, { ...config, enactor: { ...config.enactor, module_sha256: sha256 } });
}

/** The user-supplied Enactor module a control-plane scenario names (`enactor.module`, as written), if any. */
export function enactorModuleName(scenario: ResolvedScenario): string | undefined {
  if (scenario.pack !== 'controlplane') return undefined;
  const config = scenario.config as { enactor?: { module?: string } } | null;
  return config?.enactor?.module;
}
