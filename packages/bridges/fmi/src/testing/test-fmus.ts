/**
 * Builds the project's own test FMUs (C sources in ../test-fmus) into proper .fmu archives with the machine's C
 * compiler: the shared library under binaries/<platform>/, a modelDescription.xml written from the spec below and any
 * resources. Archives are cached in the temp folder under a hash of sources and spec, so test files share one build.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync, strToU8 } from 'fflate';

const sources = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-fmus');

interface Variable {
  readonly name: string;
  readonly vr: number;
  readonly type: 'Real' | 'Integer' | 'Boolean';
  readonly causality: string;
  readonly variability: string;
  readonly initial?: string;
  readonly start?: string;
  readonly unit?: string;
  readonly description?: string;
}

export interface TestFmuSpec {
  readonly model: string;
  readonly source: string;
  readonly fmiVersion: '2.0' | '3.0';
  readonly defines?: readonly string[];
  readonly variables: readonly Variable[];
  readonly defaultExperiment?: Readonly<Record<string, number>>;
  readonly resources?: Readonly<Record<string, string>>;
  /** Declares canGetAndSetFMUstate and canSerializeFMUstate (every test FMU implements them; a spec may not say so). */
  readonly savesState?: boolean;
}

const lagVariables: Variable[] = [
  { name: 'u', vr: 0, type: 'Real', causality: 'input', variability: 'continuous', start: '1', description: 'input' },
  {
    name: 'y',
    vr: 1,
    type: 'Real',
    causality: 'output',
    variability: 'continuous',
    initial: 'exact',
    start: '0',
    unit: 'K',
  },
  { name: 'T', vr: 2, type: 'Real', causality: 'parameter', variability: 'fixed', start: '1', unit: 's' },
  { name: 'time', vr: 3, type: 'Real', causality: 'independent', variability: 'continuous', unit: 's' },
];

export const TEST_FMUS = {
  lag: {
    model: 'lag',
    source: 'lag.c',
    fmiVersion: '2.0',
    variables: lagVariables,
    defaultExperiment: { startTime: 0, stopTime: 5, stepSize: 0.1 },
    savesState: true,
  },
  lag3: {
    model: 'lag',
    source: 'lag.c',
    fmiVersion: '3.0',
    variables: lagVariables,
    defaultExperiment: { startTime: 0, stopTime: 5, stepSize: 0.1 },
    savesState: true,
  },
  /** The lag without the state capabilities declared: importers must re-execute it. */
  lagStateless: {
    model: 'lag',
    source: 'lag.c',
    fmiVersion: '2.0',
    variables: lagVariables,
    defaultExperiment: { startTime: 0, stopTime: 5, stepSize: 0.1 },
    savesState: false,
  },
  ball: {
    model: 'ball',
    source: 'ball.c',
    fmiVersion: '2.0',
    variables: [
      {
        name: 'h',
        vr: 0,
        type: 'Real',
        causality: 'output',
        variability: 'continuous',
        initial: 'exact',
        start: '1',
        unit: 'm',
      },
      {
        name: 'v',
        vr: 1,
        type: 'Real',
        causality: 'output',
        variability: 'continuous',
        initial: 'exact',
        start: '0',
        unit: 'm/s',
      },
      { name: 'g', vr: 2, type: 'Real', causality: 'parameter', variability: 'fixed', start: '9.81', unit: 'm/s2' },
      { name: 'e', vr: 3, type: 'Real', causality: 'parameter', variability: 'fixed', start: '0.7' },
      { name: 'bounces', vr: 0, type: 'Integer', causality: 'output', variability: 'discrete' },
    ],
    defaultExperiment: { startTime: 0, stopTime: 3, stepSize: 0.01 },
  },
  resource: {
    model: 'resource',
    source: 'resource.c',
    fmiVersion: '2.0',
    variables: [
      { name: 'u', vr: 0, type: 'Real', causality: 'input', variability: 'continuous', start: '1' },
      { name: 'y', vr: 1, type: 'Real', causality: 'output', variability: 'continuous' },
      { name: 'gain', vr: 2, type: 'Real', causality: 'calculatedParameter', variability: 'fixed' },
    ],
    resources: { 'gain.txt': '2.5\n' },
  },
  terminator: {
    model: 'terminator',
    source: 'terminator.c',
    fmiVersion: '2.0',
    variables: [
      { name: 'x', vr: 0, type: 'Real', causality: 'output', variability: 'continuous' },
      { name: 'stopAt', vr: 1, type: 'Real', causality: 'parameter', variability: 'fixed', start: '0.45' },
    ],
    defaultExperiment: { startTime: 0, stopTime: 1, stepSize: 0.1 },
  },
  crash: {
    model: 'crash',
    source: 'misbehave.c',
    fmiVersion: '2.0',
    variables: [
      { name: 'u', vr: 0, type: 'Real', causality: 'input', variability: 'continuous', start: '0' },
      { name: 'y', vr: 1, type: 'Real', causality: 'output', variability: 'continuous' },
      { name: 'failAt', vr: 2, type: 'Real', causality: 'parameter', variability: 'fixed', start: '0.3' },
    ],
    defaultExperiment: { startTime: 0, stopTime: 1, stepSize: 0.1 },
  },
  hang: {
    model: 'hang',
    source: 'misbehave.c',
    defines: ['MODE_HANG'],
    fmiVersion: '2.0',
    variables: [
      { name: 'u', vr: 0, type: 'Real', causality: 'input', variability: 'continuous', start: '0' },
      { name: 'y', vr: 1, type: 'Real', causality: 'output', variability: 'continuous' },
      { name: 'failAt', vr: 2, type: 'Real', causality: 'parameter', variability: 'fixed', start: '0.3' },
    ],
    defaultExperiment: { startTime: 0, stopTime: 1, stepSize: 0.1 },
  },
} as const satisfies Record<string, TestFmuSpec>;
export type TestFmuName = keyof typeof TEST_FMUS;

const escape = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const attributes = (pairs: Record<string, string | number | undefined>): string =>
  Object.entries(pairs)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${escape(String(value))}"`)
    .join('');

/** The instantiation token of a spec: derived from its content, as exporting tools do. */
export function tokenOf(spec: TestFmuSpec): string {
  const hex = createHash('sha256').update(JSON.stringify(spec)).digest('hex');
  return `{${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}}`;
}

/** modelDescription.xml for the spec, in the schema of its FMI version. */
export function modelDescriptionXml(spec: TestFmuSpec): string {
  const units = [...new Set(spec.variables.flatMap((v) => (v.unit !== undefined ? [v.unit] : [])))];
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const v3 = spec.fmiVersion === '3.0';
  const state = spec.savesState === true ? 'true' : undefined;
  lines.push(
    `<fmiModelDescription${attributes({ fmiVersion: spec.fmiVersion, modelName: spec.model, [v3 ? 'instantiationToken' : 'guid']: tokenOf(spec), generationTool: 'Doppel test FMUs', variableNamingConvention: 'flat' })}>`,
    `  <CoSimulation${attributes({ modelIdentifier: spec.model, canHandleVariableCommunicationStepSize: 'true', [v3 ? 'canGetAndSetFMUState' : 'canGetAndSetFMUstate']: state, [v3 ? 'canSerializeFMUState' : 'canSerializeFMUstate']: state })}/>`,
  );
  if (units.length > 0)
    lines.push(
      '  <UnitDefinitions>',
      ...units.map((unit) => `    <Unit name="${escape(unit)}"/>`),
      '  </UnitDefinitions>',
    );
  if (spec.defaultExperiment !== undefined) lines.push(`  <DefaultExperiment${attributes(spec.defaultExperiment)}/>`);
  lines.push('  <ModelVariables>');
  for (const v of spec.variables) {
    const common = {
      name: v.name,
      valueReference: v3 ? v.vr + (v.type === 'Real' ? 0 : 100) : v.vr,
      description: v.description,
      causality: v.causality,
      variability: v.variability,
      initial: v.initial,
    };
    if (v3) {
      const type = v.type === 'Real' ? 'Float64' : v.type === 'Integer' ? 'Int32' : 'Boolean';
      lines.push(`    <${type}${attributes({ ...common, start: v.start, unit: v.unit })}/>`);
    } else {
      lines.push(
        `    <ScalarVariable${attributes(common)}>`,
        `      <${v.type}${attributes({ start: v.start, unit: v.unit })}/>`,
        '    </ScalarVariable>',
      );
    }
  }
  lines.push('  </ModelVariables>', '  <ModelStructure>');
  const outputs = spec.variables.filter((v) => v.causality === 'output');
  if (v3) lines.push(...outputs.map((v) => `    <Output valueReference="${v.vr}"/>`));
  else
    lines.push(
      '    <Outputs>',
      ...outputs.map((v) => `      <Unknown index="${spec.variables.indexOf(v) + 1}"/>`),
      '    </Outputs>',
    );
  lines.push('  </ModelStructure>', '</fmiModelDescription>', '');
  return lines.join('\n');
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(sources).sort()) hash.update(name).update(readFileSync(join(sources, name)));
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  return hash.digest('hex').slice(0, 16);
}

/** Compiles the spec's shared library (`cc -shared -fPIC`) and returns the archive's entries. */
export function fmuEntries(spec: TestFmuSpec): Record<string, Uint8Array> {
  const work = mkdtempSync(join(tmpdir(), 'doppel-fmu-build-'));
  try {
    const library = join(work, `${spec.model}.so`);
    const token = tokenOf(spec);
    execFileSync('cc', [
      '-shared',
      '-fPIC',
      '-O2',
      '-std=c11',
      `-DFMI_MAJOR=${spec.fmiVersion === '3.0' ? 3 : 2}`,
      `-DMODEL_TOKEN="${token}"`,
      ...(spec.defines ?? []).map((define) => `-D${define}`),
      '-o',
      library,
      join(sources, spec.source),
      '-lm',
    ]);
    const platform = spec.fmiVersion === '3.0' ? 'x86_64-linux' : 'linux64';
    const entries: Record<string, Uint8Array> = {
      'modelDescription.xml': strToU8(modelDescriptionXml(spec)),
      [`binaries/${platform}/${spec.model}.so`]: new Uint8Array(readFileSync(library)),
    };
    for (const [name, text] of Object.entries(spec.resources ?? {})) entries[`resources/${name}`] = strToU8(text);
    return entries;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function zipFmu(entries: Record<string, Uint8Array>): Uint8Array {
  return zipSync(entries);
}

/** The path of the built test FMU (built on first use, then cached). */
export function testFmu(name: TestFmuName): string {
  const dir = join(tmpdir(), 'doppel-test-fmus', sourceHash());
  const path = join(dir, `${name}.fmu`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, zipFmu(fmuEntries(TEST_FMUS[name])));
  renameSync(partial, path);
  return path;
}
