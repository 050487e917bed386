import type { ModelDescription, ModelVariable } from '@doppel/bridge-fmi';
import type { FmuRow } from '@doppel/catalog';
import type { Fmu, FmuSummary, FmuVariable } from '@doppel/twin/contracts';

/** What the catalog keeps of a model description (JSON text of `description_json`): the API's view without row facts. */
export type StoredDescription = Pick<
  Fmu,
  | 'fmiVersion'
  | 'modelName'
  | 'instantiationToken'
  | 'description'
  | 'generationTool'
  | 'capabilities'
  | 'defaultExperiment'
  | 'variables'
>;

/** JSON has no infinities or NaN: a start value the standard writes INF, -INF or NaN keeps that spelling. */
function jsonStart(start: ModelVariable['start']): FmuVariable['start'] {
  if (typeof start !== 'number' || Number.isFinite(start)) return start;
  return Number.isNaN(start) ? 'NaN' : start > 0 ? 'INF' : '-INF';
}

function variableView(variable: ModelVariable): FmuVariable {
  const start = jsonStart(variable.start);
  return {
    name: variable.name,
    valueReference: variable.valueReference,
    ...(variable.description !== undefined ? { description: variable.description } : {}),
    causality: variable.causality,
    variability: variable.variability,
    ...(variable.initial !== undefined ? { initial: variable.initial } : {}),
    type: variable.type,
    ...(start !== undefined ? { start } : {}),
    ...(variable.unit !== undefined ? { unit: variable.unit } : {}),
  };
}

export function storedDescription(description: ModelDescription): StoredDescription {
  return {
    fmiVersion: description.fmiVersion,
    modelName: description.modelName,
    instantiationToken: description.instantiationToken,
    description: description.description ?? null,
    generationTool: description.generationTool ?? null,
    capabilities: { ...description.coSimulation },
    defaultExperiment: { ...description.defaultExperiment },
    variables: description.variables.map(variableView),
  };
}

function rowFacts(row: FmuRow): Pick<Fmu, 'id' | 'name' | 'sizeBytes' | 'sha256' | 'createdAt'> {
  return { id: row.id, name: row.name, sizeBytes: row.size_bytes, sha256: row.sha256, createdAt: row.created_at };
}

export function fmuView(row: FmuRow): Fmu {
  return { ...rowFacts(row), ...(JSON.parse(row.description_json) as StoredDescription) };
}

export function fmuSummaryView(row: FmuRow): FmuSummary {
  const { variables, ...rest } = JSON.parse(row.description_json) as StoredDescription;
  void variables;
  return { ...rowFacts(row), ...rest, variableCount: row.variable_count };
}
