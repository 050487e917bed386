/**
 * An FMU component's properties as a form: its communication step and the start values of its parameters, each
 * field typed and labelled from the FMU's modelDescription.xml (name and unit), its start value as the default.
 */
import type { Fmu, FmuVariable } from '@doppel/client';
import type { JsonSchema } from '../../lib/schema-form.js';

const STEP_FIELD = 'step_s';
/** Form fields of parameters carry a prefix, so no parameter's name can clash with the step's field. */
const PARAMETER_FIELD = 'parameter:';

/** Parameters a model may set before initialisation (the server refuses constants and calculated ones). */
function settable(fmu: Fmu): FmuVariable[] {
  return fmu.variables.filter((v) => v.causality === 'parameter' && v.variability !== 'constant');
}

function jsonType(v: FmuVariable): 'number' | 'integer' | 'boolean' | 'string' {
  if (v.type === 'Boolean') return 'boolean';
  if (v.type === 'String') return 'string';
  return /^U?Int|^Integer|^Enumeration/.test(v.type) ? 'integer' : 'number';
}

export function fmuPropertiesSchema(fmu: Fmu): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    [STEP_FIELD]: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 3600,
      title: 'Communication step',
      description: `Seconds between the FMU's steps (empty: every model step${
        fmu.defaultExperiment.stepSize !== undefined
          ? `; its default experiment says ${fmu.defaultExperiment.stepSize}`
          : ''
      })`,
    },
  };
  for (const v of settable(fmu)) {
    properties[`${PARAMETER_FIELD}${v.name}`] = {
      type: jsonType(v),
      title: v.unit === undefined ? v.name : `${v.name} (${v.unit})`,
      ...(v.start !== undefined && typeof v.start !== 'string' ? { default: v.start } : {}),
      description: [v.description, `${v.variability} parameter`].filter((x) => x !== undefined).join(' · '),
    };
  }
  return { type: 'object', properties };
}

/** The form's values of a component's properties (what it sets, over the FMU's start values). */
export function fmuFormValues(properties: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  if (properties[STEP_FIELD] !== undefined) values[STEP_FIELD] = properties[STEP_FIELD];
  const parameters = (properties.parameters ?? {}) as Readonly<Record<string, unknown>>;
  for (const [name, value] of Object.entries(parameters)) values[`${PARAMETER_FIELD}${name}`] = value;
  return values;
}

/** The component's properties from the form: parameters that differ from the FMU's start values, and the step. */
export function fmuPropertiesOf(fmu: Fmu, args: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  for (const v of settable(fmu)) {
    const value = args[`${PARAMETER_FIELD}${v.name}`];
    if (value !== undefined && value !== v.start) parameters[v.name] = value;
  }
  const step = args[STEP_FIELD];
  return { fmu: fmu.id, parameters, ...(typeof step === 'number' ? { [STEP_FIELD]: step } : {}) };
}
