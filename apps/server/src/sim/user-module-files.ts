import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { PackRegistry, TwinError, TwinErrorCode, type ResolvedScenario } from '@doppel/twin';
import { ServerError, ServerErrorCode } from '../errors.js';
import {
  importUserModule,
  packsWithUserModules,
  sha256Of,
  userModuleNamed,
  type AnyUserModuleKind,
  type LoadedUserModules,
  type UserModuleDirs,
} from '../user-modules.js';

/*
 * The server runs only user-supplied modules its operator put in the directory of their kind
 * (`doppel serve --modules DIR`, or `--enactor-modules DIR` / `--policy-modules DIR`): a scenario chooses among
 * those files, never names another.
 */

/** Where a posted scenario names its module. */
const fieldOf = (kind: AnyUserModuleKind): string => `scenario.${kind.field}`;

/** The module files of the directory, for the error that names a missing one. */
function available(dir: string): string {
  try {
    const files = readdirSync(dir).filter((name) => /\.(mjs|js)$/.test(name));
    return files.length === 0 ? '(none)' : files.sort().join(', ');
  } catch {
    return '(the directory cannot be read)';
  }
}

/** The file of `module` inside its kind's directory: a relative path that stays inside it. */
function moduleFile(kind: AnyUserModuleKind, dir: string, module: string): string {
  const file = resolve(dir, module);
  const inside = relative(dir, file);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    const field = fieldOf(kind);
    throw new ServerError(ServerErrorCode.Validation, `${field}: "${module}" is outside the ${kind.noun}s directory`, {
      issues: [{ path: field, message: `expected a file of the ${kind.noun}s directory`, found: module }],
    });
  }
  return file;
}

function noDirectoryMessage(kind: AnyUserModuleKind): string {
  return `this server runs no ${kind.noun}s (its operator starts it with --modules DIR or --${kind.name}-modules DIR to allow them)`;
}

/**
 * At creation, on the server's thread: checks the module a scenario names is a file of its kind's directory and
 * writes its content SHA-256 into the scenario, so the simulation's identity covers the code. The module is not
 * imported here: user code runs only in the simulation's worker, under its heartbeat watchdog.
 */
export function withUserModule(scenario: ResolvedScenario, dirs: UserModuleDirs): ResolvedScenario {
  const named = userModuleNamed(scenario);
  if (named === undefined) return scenario;
  const { kind, module } = named;
  const field = fieldOf(kind);
  const dir = dirs[kind.name];
  if (dir === null) {
    throw new ServerError(ServerErrorCode.Validation, `${field}: ${noDirectoryMessage(kind)}`, {
      issues: [{ path: field, message: `the server has no ${kind.noun}s directory`, found: module }],
    });
  }
  const file = moduleFile(kind, dir, module);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new ServerError(ServerErrorCode.Validation, `${field}: no ${kind.noun} "${module}" on this server`, {
      issues: [
        {
          path: field,
          message: `no such file in the ${kind.noun}s directory`,
          expected: available(dir),
          found: module,
        },
      ],
    });
  }
  return kind.withModuleHash(scenario, sha256Of(readFileSync(file)));
}

/**
 * In a worker (a simulation's, a test run's): the pack registry with each kind's pack replaced by one that runs the
 * modules the scenarios name (a test's scenario and its variants may name several), each imported from its
 * directory after checking it is still the code the scenario was hashed with. A module that is not of its kind
 * refuses the scenario (422 at creation) with the module and the member named.
 */
export async function registryWithUserModules(
  registry: PackRegistry,
  scenarios: readonly ResolvedScenario[],
  dirs: UserModuleDirs,
): Promise<PackRegistry> {
  const loaded: LoadedUserModules = new Map();
  for (const scenario of scenarios) {
    const named = userModuleNamed(scenario);
    if (named === undefined) continue;
    const modules = loaded.get(named.kind) ?? {};
    loaded.set(named.kind, modules);
    if (modules[named.module] === undefined)
      modules[named.module] = await importModule(scenario, named.kind, named.module, dirs);
  }
  if (loaded.size === 0) return registry;
  return new PackRegistry(packsWithUserModules(registry.list(), loaded));
}

async function importModule(
  scenario: ResolvedScenario,
  kind: AnyUserModuleKind,
  module: string,
  dirs: UserModuleDirs,
): Promise<unknown> {
  const field = fieldOf(kind);
  const invalid = (message: string): TwinError =>
    new TwinError(TwinErrorCode.ScenarioInvalid, `${field}: ${message}`, { issues: [{ path: field, message }] });
  const dir = dirs[kind.name];
  if (dir === null) throw invalid(noDirectoryMessage(kind));
  const file = moduleFile(kind, dir, module);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw invalid(`cannot read the ${kind.noun} ${module}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const sha256 = sha256Of(bytes);
  const expected = kind.moduleSha256(scenario);
  if (expected !== undefined && expected !== sha256) {
    throw invalid(`the ${kind.noun} ${module} changed since the simulation was created (its SHA-256 differs)`);
  }
  try {
    return await importUserModule(kind, file, sha256, module);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error));
  }
}
