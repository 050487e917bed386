import type { Catalog } from '@doppel/catalog';
import { ProcessModelError, type FmuVariableSpec, type ModelIssue } from '@doppel/pack-process';
import type { ResolvedScenario } from '@doppel/twin';
import type { Fmu, ProcessModelInput } from '@doppel/twin/contracts';
import { ServerError, ServerErrorCode, type ProblemIssue } from '../errors.js';
import { fmuView } from './fmu-view.js';

/** The FMUs an account may use in its models, by id (another account's FMU is no FMU). */
export type FmuLookup = (id: string) => Promise<Fmu | null>;

export function accountFmus(catalog: Catalog, accountId: string): FmuLookup {
  return async (id) => {
    const row = await catalog.fmus.owned(accountId, id);
    return row === null ? null : fmuView(row);
  };
}

/** The variables of an FMU a component shows: inputs, outputs and parameters, in modelDescription order. */
function interfaceOf(fmu: Fmu): FmuVariableSpec[] {
  const variables: FmuVariableSpec[] = [];
  for (const v of fmu.variables) {
    if (v.causality !== 'input' && v.causality !== 'output' && v.causality !== 'parameter') continue;
    variables.push({
      name: v.name,
      causality: v.causality,
      variability: v.variability,
      type: v.type,
      ...(v.unit !== undefined ? { unit: v.unit } : {}),
      ...(v.start !== undefined ? { start: v.start } : {}),
      ...(v.description !== undefined ? { description: v.description } : {}),
    });
  }
  return variables;
}

type ComponentInput = ProcessModelInput['components'][number];

/**
 * The model with each FMU component's interface filled in from the FMU it names (its variables and the archive's
 * SHA-256), so the model compiles against the FMU's ports and a run's scenario holds exactly what it runs. An FMU
 * the account does not have is a {@link ProcessModelError} at the component's `properties.fmu`.
 */
export async function withFmuInterfaces<M extends { readonly components: readonly ComponentInput[] }>(
  model: M,
  fmus: FmuLookup,
): Promise<M> {
  const issues: ModelIssue[] = [];
  const components = await Promise.all(
    model.components.map(async (c, i) => {
      if (c.type !== 'fmu') return c;
      const properties = c.properties ?? {};
      const id = properties.fmu;
      if (typeof id !== 'string' || id === '') {
        issues.push({ path: ['components', i, 'properties', 'fmu'], message: `${c.id}: name an uploaded FMU by id` });
        return c;
      }
      const fmu = await fmus(id);
      if (fmu === null) {
        issues.push({
          path: ['components', i, 'properties', 'fmu'],
          message: `${c.id}: no FMU "${id}" in this account (upload it first: POST /api/v1/fmus)`,
        });
        return c;
      }
      return { ...c, properties: { ...properties, sha256: fmu.sha256, variables: interfaceOf(fmu) } };
    }),
  );
  if (issues.length > 0) throw new ProcessModelError(issues);
  return { ...model, components };
}

/**
 * Checks that every FMU component of a process scenario runs an FMU of the account, the archive the scenario was
 * made with (a scenario written by hand names FMUs as a model does; it cannot reach another account's FMU).
 */
export async function assertScenarioFmus(scenario: ResolvedScenario, fmus: FmuLookup): Promise<void> {
  if (scenario.pack !== 'process') return;
  const components = (scenario.config as { components?: readonly ComponentInput[] }).components ?? [];
  const issues: ProblemIssue[] = [];
  for (const [i, c] of components.entries()) {
    if (c.type !== 'fmu') continue;
    const path = `scenario.process.components[${i}].properties`;
    const { fmu: id, sha256 } = (c.properties ?? {}) as { fmu?: string; sha256?: string };
    const fmu = typeof id === 'string' ? await fmus(id) : null;
    if (fmu === null) issues.push({ path: `${path}.fmu`, message: `no FMU "${String(id)}" in this account` });
    else if (sha256 !== undefined && sha256 !== fmu.sha256)
      issues.push({ path: `${path}.sha256`, message: `FMU ${id} is another archive (SHA-256 ${fmu.sha256})` });
  }
  if (issues.length > 0)
    throw new ServerError(
      ServerErrorCode.ModelInvalid,
      `The scenario names FMUs it cannot run: ${issues[0]?.message}`,
      {
        issues,
      },
    );
}
