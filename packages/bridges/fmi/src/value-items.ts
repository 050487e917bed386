import { FmiError, FmiErrorCode } from './errors.js';
import { parseScalar, settablePhases, type ModelVariable, type ScalarValue } from './model-variables.js';
import type { ValueItem } from './protocol.js';

/** The phases of an instance's life, as the standard's rules for setting variables know them. */
export type InstancePhase = 'instantiated' | 'initialization' | 'step' | 'terminated' | 'closed';

/**
 * Checks values to set against the model description (known name, settable in this phase, a type Doppel exchanges,
 * a value of that type) and turns them into wire items. Strings are parsed by the variable's type.
 */
export function valueItems(
  variables: ReadonlyMap<string, ModelVariable>,
  label: string,
  values: Readonly<Record<string, ScalarValue>>,
  phase: InstancePhase,
): ValueItem[] {
  return Object.entries(values).map(([name, raw]) => {
    const variable = variables.get(name);
    if (variable === undefined)
      throw new FmiError(FmiErrorCode.InvalidRequest, `${label}: no variable named "${name}"`, { variable: name });
    const phases = settablePhases(variable);
    const allowed =
      phase === 'instantiated'
        ? phases.beforeInitialization
        : phase === 'initialization'
          ? phases.initialization
          : phase === 'step'
            ? phases.step
            : false;
    if (!allowed)
      throw new FmiError(
        FmiErrorCode.InvalidRequest,
        `${label}: "${name}" cannot be set in phase ${phase} (causality ${variable.causality}, variability ${variable.variability}${variable.initial !== undefined ? `, initial ${variable.initial}` : ''})`,
        { variable: name, phase },
      );
    if (variable.kind === null)
      throw new FmiError(
        FmiErrorCode.InvalidRequest,
        `${label}: "${name}" has type ${variable.type}, which Doppel cannot set`,
        {
          variable: name,
        },
      );
    let value = raw;
    if (typeof raw === 'string' && variable.kind !== 'string') {
      try {
        value = parseScalar(variable.type, raw, { file: label, element: `value of "${name}"` }, 'the value');
      } catch (error) {
        throw new FmiError(FmiErrorCode.InvalidRequest, (error as Error).message, { variable: name });
      }
    }
    return { valueReference: variable.valueReference, kind: variable.kind, value };
  });
}
