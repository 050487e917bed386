import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FmiError, FmiErrorCode } from './errors.js';
import {
  invalid,
  readVariable,
  TYPES_3,
  type FmiVersion,
  type ModelVariable,
  type VariableSite,
  type VariableType,
} from './model-variables.js';

export interface CoSimulationCapabilities {
  readonly modelIdentifier: string;
  readonly canHandleVariableCommunicationStepSize: boolean;
  readonly canGetAndSetFMUState: boolean;
  /** A saved state can be turned into bytes and back (and so restored into another instance, in another process). */
  readonly canSerializeFMUState: boolean;
  readonly canBeInstantiatedOnlyOncePerProcess: boolean;
  readonly needsExecutionTool: boolean;
}

export interface DefaultExperiment {
  readonly startTime?: number;
  readonly stopTime?: number;
  readonly tolerance?: number;
  readonly stepSize?: number;
}

export interface ModelDescription {
  readonly fmiVersion: FmiVersion;
  readonly modelName: string;
  /** The FMI 2.0 guid or the FMI 3.0 instantiationToken: checked by the binary, never a key of ours. */
  readonly instantiationToken: string;
  readonly description?: string;
  readonly generationTool?: string;
  readonly coSimulation: CoSimulationCapabilities;
  readonly hasModelExchange: boolean;
  readonly defaultExperiment: DefaultExperiment;
  /** In modelDescription order. */
  readonly variables: readonly ModelVariable[];
}

type Attributes = Record<string, unknown>;

const MAX_XML_BYTES = 32 * 1024 * 1024;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  processEntities: true,
  // Every element that may repeat is an array, so one variable and many variables read alike.
  isArray: (name) => name === 'ScalarVariable' || name === 'Unit' || name === 'SimpleType' || name === 'Start',
});

const bool = (value: unknown): boolean => value === 'true' || value === '1';

function optionalNumber(attributes: Attributes, name: string, site: VariableSite): number | undefined {
  const raw = attributes[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value))
    throw invalid(site, `${name} must be a number, found "${String(raw)}"`);
  return value;
}

function object(value: unknown): Attributes | undefined {
  if (Array.isArray(value)) return object(value[0]);
  return typeof value === 'object' && value !== null ? (value as Attributes) : undefined;
}

function list(value: unknown): Attributes[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => object(item) ?? {});
}

function declaredUnits(version: FmiVersion, root: Attributes): Map<string, string> {
  const units = new Map<string, string>();
  const definitions = object(root.TypeDefinitions) ?? {};
  if (version === '2.0') {
    for (const simple of list(definitions.SimpleType)) {
      const real = object(simple.Real);
      if (typeof simple.name === 'string' && typeof real?.unit === 'string') units.set(simple.name, real.unit);
    }
  } else {
    for (const [element, value] of Object.entries(definitions)) {
      if (!element.endsWith('Type')) continue;
      for (const type of list(value))
        if (typeof type.name === 'string' && typeof type.unit === 'string') units.set(type.name, type.unit);
    }
  }
  return units;
}

/**
 * The variables of a 3.0 ModelVariables element in document order. fast-xml-parser groups children by element name,
 * so the order is recovered from a second, order-preserving parse.
 */
function variables3(xml: string, file: string, units: Map<string, string>): ModelVariable[] {
  const ordered = parseXml(
    () =>
      new XMLParser({
        ignoreAttributes: false,
        attributeNamePrefix: '',
        parseAttributeValue: false,
        parseTagValue: false,
        preserveOrder: true,
      }).parse(xml) as Array<Record<string, unknown>>,
    file,
  );
  const root = ordered.find((node) => 'fmiModelDescription' in node);
  const children = (root?.fmiModelDescription ?? []) as Array<Record<string, unknown>>;
  const section = children.find((node) => 'ModelVariables' in node);
  const nodes = (section?.ModelVariables ?? []) as Array<Record<string, unknown>>;
  const result: ModelVariable[] = [];
  const counts = new Map<string, number>();
  for (const node of nodes) {
    const elementName = Object.keys(node).find((key) => key !== ':@');
    if (elementName === undefined || elementName === '#text' || elementName === '#comment') continue;
    const index = (counts.get(elementName) ?? 0) + 1;
    counts.set(elementName, index);
    const site = { file, element: `ModelVariables/${elementName}[${index}]` };
    if (!(TYPES_3 as readonly string[]).includes(elementName))
      throw invalid(site, `is not an FMI 3.0 variable type (${TYPES_3.join(', ')})`);
    const attributes: Attributes = { ...((node[':@'] as Attributes | undefined) ?? {}) };
    for (const child of (node[elementName] ?? []) as Array<Record<string, unknown>>) {
      if ('Dimension' in child) attributes.Dimension = true;
      if ('Start' in child) {
        const start = (attributes.Start as Attributes[] | undefined) ?? [];
        start.push((child[':@'] as Attributes | undefined) ?? {});
        attributes.Start = start;
      }
    }
    result.push(readVariable('3.0', attributes, elementName as VariableType, site, units));
  }
  return result;
}

/** The parser's own limits (nesting depth, entity expansion) surface as located model-description errors. */
function parseXml<T>(parse: () => T, file: string): T {
  try {
    return parse();
  } catch (error) {
    throw invalid({ file, element: '(document)' }, `cannot be parsed: ${(error as Error).message}`);
  }
}

function checkUnique(version: FmiVersion, variables: readonly ModelVariable[], file: string): void {
  const names = new Set<string>();
  const references = new Map<number, string>();
  variables.forEach((variable, index) => {
    const element = version === '2.0' ? `ScalarVariable[${index + 1}]` : variable.type;
    const site = { file, element: `ModelVariables/${element} "${variable.name}"` };
    if (names.has(variable.name)) throw invalid(site, 'the variable name is declared twice');
    names.add(variable.name);
    // FMI 2.0 allows aliases (one value reference, one type, several names); FMI 3.0 value references are unique.
    const other = references.get(variable.valueReference);
    if (version === '3.0' && other !== undefined)
      throw invalid(site, `valueReference ${variable.valueReference} is also used by "${other}"`);
    references.set(variable.valueReference, variable.name);
  });
}

/**
 * Parses and validates modelDescription.xml of an FMI 2.0 or 3.0 co-simulation FMU. Errors name the file and the
 * element (`DOPPEL_ERR_FMU_MODEL_DESCRIPTION_INVALID`, `…_UNSUPPORTED_VERSION`, `…_NOT_COSIMULATION`).
 */
export function parseModelDescription(xml: string, file = 'modelDescription.xml'): ModelDescription {
  const site = (element: string): VariableSite => ({ file, element });
  if (xml.length > MAX_XML_BYTES) throw invalid(site('(document)'), `is larger than ${MAX_XML_BYTES} bytes`);
  if (/<!DOCTYPE/i.test(xml))
    throw invalid(site('(document)'), 'declares a DOCTYPE, which a model description never needs');
  const check = XMLValidator.validate(xml);
  if (check !== true)
    throw invalid(site(`line ${check.err.line}, column ${check.err.col}`), `not well-formed XML: ${check.err.msg}`);
  const document = parseXml(() => parser.parse(xml) as Attributes, file);
  const root = object(document.fmiModelDescription);
  if (root === undefined) throw invalid(site('(document)'), 'the root element must be <fmiModelDescription>');
  const rootSite = site('fmiModelDescription');
  const versionText = typeof root.fmiVersion === 'string' ? root.fmiVersion : undefined;
  if (versionText === undefined) throw invalid(rootSite, 'has no fmiVersion attribute');
  const version: FmiVersion | undefined =
    versionText === '2.0' ? '2.0' : /^3\.\d+(\.\d+)?$/.test(versionText) ? '3.0' : undefined;
  if (version === undefined)
    throw new FmiError(
      FmiErrorCode.UnsupportedVersion,
      `${file}: fmiModelDescription: fmiVersion "${versionText}" is not supported (expected 2.0 or 3.x)`,
      { file, element: 'fmiModelDescription', found: versionText },
    );
  const modelName = typeof root.modelName === 'string' ? root.modelName : undefined;
  if (modelName === undefined || modelName === '') throw invalid(rootSite, 'has no modelName attribute');
  const tokenAttribute = version === '2.0' ? 'guid' : 'instantiationToken';
  const token = root[tokenAttribute];
  if (typeof token !== 'string' || token === '') throw invalid(rootSite, `has no ${tokenAttribute} attribute`);
  const cs = object(root.CoSimulation);
  const hasModelExchange = root.ModelExchange !== undefined;
  if (cs === undefined) {
    if (hasModelExchange)
      throw new FmiError(
        FmiErrorCode.NotCoSimulation,
        `${file}: fmiModelDescription: the FMU offers model exchange only (no <CoSimulation> element); Doppel runs co-simulation FMUs`,
        { file, element: 'CoSimulation' },
      );
    throw invalid(rootSite, 'has no <CoSimulation> element');
  }
  const modelIdentifier = cs.modelIdentifier;
  if (typeof modelIdentifier !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(modelIdentifier))
    throw invalid(site('CoSimulation'), `modelIdentifier must be a C identifier, found "${String(modelIdentifier)}"`);
  const experiment = object(root.DefaultExperiment) ?? {};
  const experimentSite = site('DefaultExperiment');
  const defaultExperiment: DefaultExperiment = Object.fromEntries(
    (['startTime', 'stopTime', 'tolerance', 'stepSize'] as const)
      .map((name) => [name, optionalNumber(experiment, name, experimentSite)] as const)
      .filter(([, value]) => value !== undefined),
  );
  const units = declaredUnits(version, root);
  let variables: ModelVariable[];
  if (version === '2.0') {
    const section = object(root.ModelVariables) ?? {};
    variables = list(section.ScalarVariable).map((element, index) =>
      readVariable('2.0', element, undefined, site(`ModelVariables/ScalarVariable[${index + 1}]`), units),
    );
  } else {
    variables = variables3(xml, file, units);
  }
  checkUnique(version, variables, file);
  const description = typeof root.description === 'string' ? root.description : undefined;
  const generationTool = typeof root.generationTool === 'string' ? root.generationTool : undefined;
  return {
    fmiVersion: version,
    modelName,
    instantiationToken: token,
    ...(description !== undefined ? { description } : {}),
    ...(generationTool !== undefined ? { generationTool } : {}),
    coSimulation: {
      modelIdentifier,
      canHandleVariableCommunicationStepSize: bool(cs.canHandleVariableCommunicationStepSize),
      canGetAndSetFMUState: bool(version === '2.0' ? cs.canGetAndSetFMUstate : cs.canGetAndSetFMUState),
      canSerializeFMUState: bool(version === '2.0' ? cs.canSerializeFMUstate : cs.canSerializeFMUState),
      canBeInstantiatedOnlyOncePerProcess: bool(cs.canBeInstantiatedOnlyOncePerProcess),
      needsExecutionTool: bool(cs.needsExecutionTool),
    },
    hasModelExchange,
    defaultExperiment,
    variables,
  };
}
