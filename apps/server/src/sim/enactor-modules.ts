import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createControlPlanePack,
  enactorFromModule,
  enactorModuleName,
  EnactorModuleError,
  scenarioWithModuleHash,
  type EnactorLogic,
} from '@doppel/pack-controlplane';
import { PackRegistry, TwinError, TwinErrorCode, type ResolvedScenario } from '@doppel/twin';
import { ServerError, ServerErrorCode } from '../errors.js';

/** Where a posted scenario names its Enactor module. */
const FIELD = 'scenario.controlplane.enactor.module';

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** The module files of the directory, for the error that names a missing one. */
function available(dir: string): string {
  try {
    const files = readdirSync(dir).filter((name) => /\.(mjs|js)$/.test(name));
    return files.length === 0 ? '(none)' : files.sort().join(', ');
  } catch {
    return '(the directory cannot be read)';
  }
}

/**
 * The file of `module` inside the server's Enactor modules directory: a relative path that stays inside it. The
 * server runs only code its operator put there; a scenario can choose among those files, never name another.
 */
function moduleFile(dir: string, module: string): string {
  const file = resolve(dir, module);
  const inside = relative(dir, file);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new ServerError(
      ServerErrorCode.Validation,
      `${FIELD}: "${module}" is outside the Enactor modules directory`,
      {
        issues: [{ path: FIELD, message: 'expected a file of the Enactor modules directory', found: module }],
      },
    );
  }
  return file;
}

/**
 * At creation, on the server's thread: checks the module a control-plane scenario names is a file of the
 * configured Enactor modules directory (`doppel serve --enactor-modules DIR`) and writes its content SHA-256 into
 * the scenario, so the simulation's identity covers the code. The module is not imported here: user code runs only
 * in the simulation's worker, under its heartbeat watchdog.
 */
export function withEnactorModule(scenario: ResolvedScenario, dir: string | null): ResolvedScenario {
  const module = enactorModuleName(scenario);
  if (module === undefined) return scenario;
  if (dir === null) {
    throw new ServerError(
      ServerErrorCode.Validation,
      `${FIELD}: this server runs no Enactor modules (its operator starts it with --enactor-modules DIR to allow them)`,
      { issues: [{ path: FIELD, message: 'the server has no Enactor modules directory', found: module }] },
    );
  }
  const file = moduleFile(dir, module);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new ServerError(ServerErrorCode.Validation, `${FIELD}: no Enactor module "${module}" on this server`, {
      issues: [
        {
          path: FIELD,
          message: 'no such file in the Enactor modules directory',
          expected: available(dir),
          found: module,
        },
      ],
    });
  }
  return scenarioWithModuleHash(scenario, sha256Of(readFileSync(file)));
}

/**
 * In a worker (a simulation's, a test run's): the pack registry with a control-plane pack that runs the Enactor
 * modules the scenarios name (a test's scenario and its variants may name several), each imported from the modules
 * directory after checking it is still the code the scenario was hashed with. A module that is not an Enactor
 * refuses the scenario (422 at creation) with the module and the member named.
 */
export async function registryWithEnactorModules(
  registry: PackRegistry,
  scenarios: readonly ResolvedScenario[],
  dir: string | null,
): Promise<PackRegistry> {
  const enactors: Record<string, EnactorLogic> = {};
  for (const scenario of scenarios) {
    const module = enactorModuleName(scenario);
    if (module !== undefined && enactors[module] === undefined)
      enactors[module] = await importEnactor(scenario, module, dir);
  }
  if (Object.keys(enactors).length === 0) return registry;
  const controlPlane = createControlPlanePack({ enactors });
  return new PackRegistry(registry.list().map((pack) => (pack.name === 'controlplane' ? controlPlane : pack)));
}

async function importEnactor(scenario: ResolvedScenario, module: string, dir: string | null): Promise<EnactorLogic> {
  const invalid = (message: string): TwinError =>
    new TwinError(TwinErrorCode.ScenarioInvalid, `${FIELD}: ${message}`, {
      issues: [{ path: FIELD, message }],
    });
  if (dir === null) throw invalid('this server runs no Enactor modules (--enactor-modules DIR)');
  const file = moduleFile(dir, module);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw invalid(
      `cannot read the Enactor module ${module}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const sha256 = sha256Of(bytes);
  const expected = (scenario.config as { enactor?: { module_sha256?: string } }).enactor?.module_sha256;
  if (expected !== undefined && expected !== sha256) {
    throw invalid(`the Enactor module ${module} changed since the simulation was created (its SHA-256 differs)`);
  }
  try {
    const exports = (await import(`${pathToFileURL(file).href}?sha256=${sha256}`)) as Record<string, unknown>;
    return enactorFromModule(exports, module);
  } catch (error) {
    if (error instanceof EnactorModuleError) throw invalid(`${error.message} [${error.code}]`);
    throw invalid(
      `cannot import the Enactor module ${module}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
