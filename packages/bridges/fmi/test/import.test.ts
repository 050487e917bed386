import { strToU8, unzipSync, zipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FmiErrorCode, parseModelDescription, readFmu } from '../src/index.js';
import { testFmu } from '../src/testing/test-fmus.js';

const FILE = 'model.fmu';

function md(body: string, root = 'fmiVersion="2.0" modelName="m" guid="{g}"'): string {
  return `<?xml version="1.0"?>\n<fmiModelDescription ${root}>\n${body}\n</fmiModelDescription>`;
}
const cs = '<CoSimulation modelIdentifier="m"/>';
const real = (attributes: string, type = '<Real start="1"/>') =>
  `<ModelVariables><ScalarVariable ${attributes}>${type}</ScalarVariable></ModelVariables>`;

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}
function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('modelDescription.xml (FMI 2.0)', () => {
  it('reads variables, defaults, units through declared types, the default experiment and capabilities', () => {
    const parsed = parseModelDescription(
      md(`<CoSimulation modelIdentifier="m" canHandleVariableCommunicationStepSize="true" canGetAndSetFMUstate="true"/>
<TypeDefinitions><SimpleType name="Temp"><Real unit="K"/></SimpleType></TypeDefinitions>
<DefaultExperiment startTime="1" stopTime="10" tolerance="1e-6" stepSize="0.5"/>
<ModelVariables>
  <ScalarVariable name="T" valueReference="3" causality="parameter" variability="fixed"><Real declaredType="Temp" start="300"/></ScalarVariable>
  <ScalarVariable name="n" valueReference="0" causality="output"><Integer/></ScalarVariable>
  <ScalarVariable name="on" valueReference="0" causality="input"><Boolean start="true"/></ScalarVariable>
  <ScalarVariable name="mode" valueReference="1" causality="input"><Enumeration declaredType="E" start="2"/></ScalarVariable>
  <ScalarVariable name="label" valueReference="0" causality="parameter" variability="fixed"><String start="a &amp; b"/></ScalarVariable>
  <ScalarVariable name="x" valueReference="4"><Real/></ScalarVariable>
  <ScalarVariable name="x_alias" valueReference="4"><Real/></ScalarVariable>
</ModelVariables>`),
    );
    expect(parsed.fmiVersion).toBe('2.0');
    expect(parsed.instantiationToken).toBe('{g}');
    expect(parsed.defaultExperiment).toEqual({ startTime: 1, stopTime: 10, tolerance: 1e-6, stepSize: 0.5 });
    expect(parsed.coSimulation).toMatchObject({
      modelIdentifier: 'm',
      canHandleVariableCommunicationStepSize: true,
      canGetAndSetFMUState: true,
    });
    const [T, n, on, mode, label, x] = parsed.variables;
    expect(T).toMatchObject({
      name: 'T',
      valueReference: 3,
      type: 'Real',
      kind: 'float64',
      start: 300,
      unit: 'K',
      initial: 'exact',
    });
    expect(n).toMatchObject({ causality: 'output', variability: 'discrete', kind: 'int32', initial: 'calculated' });
    expect(on).toMatchObject({ start: true, kind: 'boolean' });
    expect(mode).toMatchObject({ type: 'Enumeration', kind: 'int32', start: 2 });
    expect(label).toMatchObject({ type: 'String', start: 'a & b', kind: 'string' });
    expect(x).toMatchObject({ causality: 'local', variability: 'continuous' });
    expect(parsed.variables).toHaveLength(7); // aliases share a value reference in FMI 2.0
  });

  it('refuses unknown versions, model-exchange-only FMUs and a missing guid, naming file and element', () => {
    expect(
      codeOf(() => parseModelDescription(md(cs, 'fmiVersion="1.0" modelName="m" guid="g"'), 'a/modelDescription.xml')),
    ).toBe(FmiErrorCode.UnsupportedVersion);
    expect(
      messageOf(() =>
        parseModelDescription(md(cs, 'fmiVersion="1.0" modelName="m" guid="g"'), 'a/modelDescription.xml'),
      ),
    ).toContain('a/modelDescription.xml: fmiModelDescription: fmiVersion "1.0"');
    expect(codeOf(() => parseModelDescription(md('<ModelExchange modelIdentifier="m"/>')))).toBe(
      FmiErrorCode.NotCoSimulation,
    );
    expect(messageOf(() => parseModelDescription(md(cs, 'fmiVersion="2.0" modelName="m"')))).toContain(
      'has no guid attribute',
    );
    expect(codeOf(() => parseModelDescription(md('')))).toBe(FmiErrorCode.ModelDescriptionInvalid);
  });

  it('names the variable element that breaks the schema', () => {
    const bad = [
      [real('name="a" causality="output"', '<Real/>').replace('name="a"', 'name="a"'), 'has no valueReference'],
      [real('name="a" valueReference="x"'), 'valueReference must be an integer'],
      [real('name="a" valueReference="1" causality="sideways"'), 'causality must be one of'],
      [real('name="a" valueReference="1"', '<Real start="abc"/>'), 'start must be a number'],
      [real('name="a" valueReference="1" causality="input"', '<Real/>'), 'needs a start value'],
      [real('name="a" valueReference="1"', '<Real/><Integer/>'), 'exactly one type element'],
      [
        `<ModelVariables><ScalarVariable name="a" valueReference="1"><Real/></ScalarVariable><ScalarVariable name="a" valueReference="2"><Real/></ScalarVariable></ModelVariables>`,
        'declared twice',
      ],
    ] as const;
    for (const [variables, text] of bad) {
      const message = messageOf(() => parseModelDescription(md(`${cs}\n${variables}`)));
      expect(message, variables).toContain(text);
      expect(message).toMatch(/^modelDescription\.xml: ModelVariables\/ScalarVariable\[\d\]/);
    }
  });

  it('refuses hostile nesting with a located error, not a crash', () => {
    const deep = md(`${cs}${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}`);
    expect(codeOf(() => parseModelDescription(deep))).toBe(FmiErrorCode.ModelDescriptionInvalid);
  });

  it('refuses XML that is not well-formed (with its line) and DOCTYPE declarations', () => {
    expect(messageOf(() => parseModelDescription('<fmiModelDescription>\n<a></b>'))).toMatch(/line 2/);
    expect(codeOf(() => parseModelDescription(`<!DOCTYPE x [<!ENTITY a "aaaa">]>${md(cs)}`))).toBe(
      FmiErrorCode.ModelDescriptionInvalid,
    );
  });
});

describe('modelDescription.xml (FMI 3.0)', () => {
  const root = 'fmiVersion="3.0" modelName="m" instantiationToken="{t}"';
  it('reads typed variables in document order, String start children and units of declared types', () => {
    const parsed = parseModelDescription(
      md(
        `${cs}
<TypeDefinitions><Float64Type name="P" unit="W"/></TypeDefinitions>
<ModelVariables>
  <Float64 name="time" valueReference="0" causality="independent" variability="continuous"/>
  <Int32 name="k" valueReference="1" causality="parameter" variability="fixed" start="4"/>
  <Float64 name="p" valueReference="2" causality="output" declaredType="P"/>
  <String name="s" valueReference="3" causality="parameter" variability="fixed"><Start value="hi"/></String>
  <Float64 name="arr" valueReference="4" causality="output"><Dimension start="3"/></Float64>
  <Int64 name="big" valueReference="5" causality="output"/>
</ModelVariables>`,
        root,
      ),
    );
    expect(parsed.fmiVersion).toBe('3.0');
    expect(parsed.instantiationToken).toBe('{t}');
    expect(parsed.variables.map((v) => v.name)).toEqual(['time', 'k', 'p', 's', 'arr', 'big']);
    expect(parsed.variables[1]).toMatchObject({ type: 'Int32', kind: 'int32', start: 4 });
    expect(parsed.variables[2]).toMatchObject({ unit: 'W', kind: 'float64' });
    expect(parsed.variables[3]).toMatchObject({ type: 'String', start: 'hi' });
    expect(parsed.variables[4].kind).toBeNull(); // arrays are not exchanged
    expect(parsed.variables[5].kind).toBeNull();
  });

  it('refuses duplicate value references, unknown elements and a missing instantiation token', () => {
    const vars =
      '<ModelVariables><Float64 name="a" valueReference="1"/><Int32 name="b" valueReference="1"/></ModelVariables>';
    expect(messageOf(() => parseModelDescription(md(`${cs}${vars}`, root)))).toContain(
      'valueReference 1 is also used by "a"',
    );
    expect(
      messageOf(() =>
        parseModelDescription(md(`${cs}<ModelVariables><Real name="a" valueReference="1"/></ModelVariables>`, root)),
      ),
    ).toContain('ModelVariables/Real[1]: is not an FMI 3.0 variable type');
    expect(messageOf(() => parseModelDescription(md(cs, 'fmiVersion="3.0" modelName="m"')))).toContain(
      'has no instantiationToken attribute',
    );
  });
});

describe('FMU archives', () => {
  const lagEntries = () => unzipSync(readFileSync(testFmu('lag')));

  it('reads a built FMU', () => {
    const archive = readFmu(readFileSync(testFmu('lag')), FILE);
    expect(archive.binaryEntry).toBe('binaries/linux64/lag.so');
    expect(archive.modelDescription.modelName).toBe('lag');
  });

  it('refuses bytes that are not a zip, and a zip without modelDescription.xml', () => {
    expect(codeOf(() => readFmu(strToU8('definitely not a zip'), FILE))).toBe(FmiErrorCode.ArchiveInvalid);
    expect(messageOf(() => readFmu(zipSync({ 'readme.txt': strToU8('hi') }), FILE))).toBe(
      `${FILE}: has no modelDescription.xml at its root`,
    );
    const truncated = readFileSync(testFmu('lag')).subarray(0, 200);
    expect(codeOf(() => readFmu(truncated, FILE))).toBe(FmiErrorCode.ArchiveInvalid);
  });

  it('refuses entries that climb out of the archive', () => {
    const entries = { ...lagEntries(), '../evil.sh': strToU8('rm -rf /') };
    expect(messageOf(() => readFmu(zipSync(entries), FILE))).toContain('"../evil.sh" points outside the archive');
  });

  it('names the missing binary for this platform and the binaries that are there', () => {
    const entries = lagEntries();
    const binary = entries['binaries/linux64/lag.so'];
    delete entries['binaries/linux64/lag.so'];
    entries['binaries/win64/lag.dll'] = binary;
    const error = (() => {
      try {
        readFmu(zipSync(entries), FILE);
      } catch (caught) {
        return caught as Error & { code: string };
      }
      throw new Error('expected an error');
    })();
    expect(error.code).toBe(FmiErrorCode.NoBinaryForPlatform);
    expect(error.message).toBe(
      `${FILE}: has no binary for this platform: expected binaries/linux64/lag.so; binaries present: win64/lag.dll`,
    );
  });

  it('refuses a model-exchange-only FMU and an unknown version inside an archive, naming the archive', () => {
    const entries = lagEntries();
    const xml = new TextDecoder().decode(entries['modelDescription.xml']);
    const meOnly = { ...entries, 'modelDescription.xml': strToU8(xml.replace('<CoSimulation', '<ModelExchange')) };
    expect(messageOf(() => readFmu(zipSync(meOnly), FILE))).toContain(
      `${FILE}/modelDescription.xml: fmiModelDescription: the FMU offers model exchange only`,
    );
    const v4 = { ...entries, 'modelDescription.xml': strToU8(xml.replace('fmiVersion="2.0"', 'fmiVersion="4.0"')) };
    expect(codeOf(() => readFmu(zipSync(v4), FILE))).toBe(FmiErrorCode.UnsupportedVersion);
  });

  it('finds FMI 3.0 binaries under x86_64-linux', () => {
    expect(readFmu(readFileSync(testFmu('lag3')), FILE).binaryEntry).toBe('binaries/x86_64-linux/lag.so');
  });
});
