import { compileModel, ProcessModelError, type ModelIssue } from '@doppel/pack-process';
import type { ProcessModelInput } from '@doppel/twin/contracts';
import { ServerError, ServerErrorCode, type ProblemIssue } from '../errors.js';
import { withFmuInterfaces, type FmuLookup } from '../fmus/fmu-components.js';

/** Where the parts of a model sit in the request body: `body.components`, or `body` for a part saved alone. */
export interface ModelBodyPlaces {
  readonly components: string | null;
  readonly connections: string | null;
}

function issuePath(issue: ModelIssue, places: ModelBodyPlaces): { path: string; stored: boolean } {
  const [part, ...rest] = issue.path;
  const base = part === 'components' || part === 'connections' ? places[part] : null;
  const tail = rest.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
  if (base === null) return { path: `model.${String(part)}${tail}`, stored: true };
  return { path: `${base}${tail}`, stored: false };
}

/**
 * Compiles a machine model against the process pack before it is stored or run, so a stored model always runs: an
 * unknown type or port, a bad property, an FMU the account does not have, a unit mismatch or an algebraic loop is a
 * 422 whose issues name the components and ports, each at its place in the request body (or at
 * `model.connections[i]` when a part the request leaves as stored no longer fits the part it replaces). Returns the
 * model with its FMU components' interfaces filled in (what a run's scenario holds).
 */
export async function assertModelCompiles<M extends ProcessModelInput>(
  model: M,
  places: ModelBodyPlaces,
  fmus: FmuLookup,
): Promise<M> {
  try {
    const resolved = await withFmuInterfaces(model, fmus);
    compileModel({
      components: resolved.components.map((c) => ({ id: c.id, type: c.type, properties: c.properties ?? {} })),
      connections: resolved.connections,
    });
    return resolved;
  } catch (error) {
    if (!(error instanceof ProcessModelError)) throw error;
    const issues: ProblemIssue[] = error.issues.map((issue) => {
      const { path, stored } = issuePath(issue, places);
      return { path, message: stored ? `${issue.message} (as stored; save the model whole)` : issue.message };
    });
    throw new ServerError(
      ServerErrorCode.ModelInvalid,
      `The model does not compile: ${issues
        .slice(0, 3)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ')}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}`,
      { issues },
    );
  }
}
