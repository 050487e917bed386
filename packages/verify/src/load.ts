import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve, isAbsolute } from 'node:path';
import {
  IssueList,
  ScenarioError,
  ScenarioIssueCode,
  Simulation,
  TwinError,
  deepMerge,
  describeValue,
  loadConfigDir,
  loadScenarioFile,
  loadScenarioText,
  locate,
  readYaml,
  validateLocated,
  type AnyPack,
  type Loc,
  type Plain,
  type ResolvedScenario,
} from '@doppel/twin';
import type { TestDefinition, Variant } from './definition.js';
import { VerifyError, VerifyErrorCode } from './errors.js';
import { TestExpressions } from './expressions.js';
import { testFileSchema, type TestFileInput } from './schema.js';
import { StepCompiler } from './step-compiler.js';
import { parseDurationValue } from './time.js';

export interface TestLoadOptions {
  readonly packs: readonly AnyPack[];
  /**
   * When set, every file the test names (scenario file or config directory, baseline) must lie inside this folder,
   * and an inline scenario may not read input files: a server confines stored tests to its examples this way.
   */
  readonly root?: string;
}

/** The most a test file may hold: hostile input gets a clear error, never a hang. */
const MAX_TEST_BYTES = 1_000_000;

/** Loads and checks a test file. Throws VerifyError DOPPEL_ERR_TEST_INVALID with every located problem. */
export async function loadTestFile(path: string, options: TestLoadOptions): Promise<TestDefinition> {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new VerifyError(VerifyErrorCode.TestNotFound, `test file not found: ${path}`, [], { path });
  }
  if (statSync(path).size > MAX_TEST_BYTES) {
    const issue = {
      file: path,
      line: 1,
      column: 1,
      path: '',
      message: `a test file is at most ${MAX_TEST_BYTES} bytes`,
    };
    throw new VerifyError(VerifyErrorCode.TestInvalid, `${path}: ${issue.message}`, [issue]);
  }
  return loadTestText(readFileSync(path, 'utf8'), { ...options, fileName: path, baseDir: dirname(path) });
}

/** Loads a test from YAML or JSON text (API bodies, the editor). Scenario paths are relative to `baseDir`. */
export async function loadTestText(
  text: string,
  options: TestLoadOptions & { readonly fileName: string; readonly baseDir?: string },
): Promise<TestDefinition> {
  const file = options.fileName;
  const issues = new IssueList();
  const rootLoc: Loc = { file, line: 1, column: 1 };
  if (text.length > MAX_TEST_BYTES) {
    issues.add({
      code: ScenarioIssueCode.InvalidValue,
      loc: rootLoc,
      path: '',
      message: `a test is at most ${MAX_TEST_BYTES} bytes`,
    });
    fail(issues, file);
  }
  const raw = readYaml(text, file, issues) ?? null;
  if (issues.size > 0) fail(issues, file);
  const checked = validateLocated(testFileSchema, raw, [], issues, rootLoc);
  if (!checked.ok) fail(issues, file);
  const input = checked.data as TestFileInput;
  const at = (path: readonly PropertyKey[]): Loc => locate(raw, path) ?? rootLoc;
  const baseDir = options.baseDir;

  const root = options.root;
  const scenario = insideRoot(input, 'scenario', root, baseDir, issues, at)
    ? resolveScenario(input, raw, options.packs, baseDir, issues, at, root)
    : null;
  if (scenario === null) fail(issues, file);
  const pack = options.packs.find((candidate) => candidate.name === scenario.pack) as AnyPack;
  // A throw-away build of the scenario tells which assets exist, so a step naming a missing one is bad input.
  const probe = await Simulation.create({ scenario, packs: options.packs, store: null });
  const expressions = new TestExpressions(pack.assetKinds.map((kind) => kind.kind));
  const compiler = new StepCompiler({ pack, probe, expressions, issues, at, scenario });
  const steps = compiler.steps(input.steps, ['steps']);
  const rules = compiler.rules(input.rules);
  const statistics = compiler.statistics(
    input.statistics,
    input.variants.map((variant) => variant.name),
  );
  const variants: Variant[] = [];
  input.variants.forEach((variant, index) => {
    const path = ['variants', index];
    const variantScenario =
      variant.overrides === undefined
        ? scenario
        : resolveScenario(input, raw, options.packs, baseDir, issues, at, options.root, [...path, 'overrides']);
    variants.push({
      name: variant.name,
      scenario: variantScenario ?? scenario,
      steps: variant.steps === undefined ? steps : compiler.steps(variant.steps, [...path, 'steps']),
    });
  });
  const baseline =
    input.baseline === undefined || !insideRoot(input, 'baseline', root, baseDir, issues, at)
      ? null
      : compiler.baseline(input.baseline, resolve(baseDir ?? '.', input.baseline.file));
  if (issues.size > 0) fail(issues, file);
  return {
    file,
    name: input.name ?? scenario.name,
    description: input.description,
    pack,
    scenario,
    seed: input.scenario.seed,
    replications: input.scenario.replications,
    steps,
    rules,
    statistics,
    variants,
    baseline,
    expressions,
    chartedKpis: compiler.chartedKpis(),
  };
}

/**
 * Whether the file a section names (`scenario.file` or `.config`, `baseline.file`) stays inside `root` (always,
 * without a root); a file outside is a located issue.
 */
function insideRoot(
  input: TestFileInput,
  section: 'scenario' | 'baseline',
  root: string | undefined,
  baseDir: string | undefined,
  issues: IssueList,
  at: (path: readonly PropertyKey[]) => Loc,
): boolean {
  if (root === undefined) return true;
  const named = input[section] as Record<string, unknown> | undefined;
  for (const key of section === 'scenario' ? ['file', 'config'] : ['file']) {
    const value = named?.[key];
    if (typeof value !== 'string') continue;
    const inside = relative(resolve(root), resolve(baseDir ?? root, value));
    if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) continue;
    issues.add({
      code: ScenarioIssueCode.UnknownReference,
      loc: at([section, key]),
      path: `${section}.${key}`,
      message: 'names a file outside the examples this test may read',
      expected: 'a path among the examples (e.g. ../swap/evening-peak-b.yaml) or an inline scenario',
      found: describeValue(value),
    });
    return false;
  }
  return true;
}

function fail(issues: IssueList, file: string): never {
  const sorted = issues.sorted();
  throw new VerifyError(
    VerifyErrorCode.TestInvalid,
    `${file}: ${sorted.length} problem${sorted.length === 1 ? '' : 's'}`,
    sorted,
  );
}

/**
 * Resolves the test's scenario (a file, a config directory run, or inline) with the test's seed, duration and
 * overrides (`overridesPath` points at a variant's). Scenario problems keep their own locations; a problem in the
 * overrides points into the test file.
 */
function resolveScenario(
  input: TestFileInput,
  raw: Plain,
  packs: readonly AnyPack[],
  baseDir: string | undefined,
  issues: IssueList,
  at: (path: readonly PropertyKey[]) => Loc,
  root: string | undefined,
  overridesPath: readonly PropertyKey[] = ['scenario', 'overrides'],
): ResolvedScenario | null {
  const section = input.scenario;
  const given = (['file', 'config', 'inline'] as const).filter((key) => section[key] !== undefined);
  if (given.length !== 1) {
    issues.add({
      code: given.length === 0 ? ScenarioIssueCode.MissingField : ScenarioIssueCode.InvalidValue,
      loc: at(['scenario']),
      path: 'scenario',
      message: 'a test runs one scenario: give exactly one of file, config (with run) or inline',
      expected: 'one of file, config + run, inline',
      found: given.length === 0 ? 'none' : given.join(' and '),
    });
    return null;
  }
  if ((section.config !== undefined) !== (section.run !== undefined)) {
    issues.add({
      code: ScenarioIssueCode.MissingField,
      loc: at(['scenario']),
      path: section.config !== undefined ? 'scenario.run' : 'scenario.config',
      message: section.config !== undefined ? 'a config directory needs `run`' : '`run` needs `config`',
    });
    return null;
  }
  let durationS: number | undefined;
  if (section.duration !== undefined) {
    const parsed = parseDurationValue(section.duration);
    if (parsed === undefined || parsed <= 0) {
      issues.add({
        code: ScenarioIssueCode.InvalidDuration,
        loc: at(['scenario', 'duration']),
        path: 'scenario.duration',
        message: 'not a valid duration',
        expected: 'a positive duration such as "24h", "90m" or seconds',
        found: describeValue(section.duration),
      });
      return null;
    }
    durationS = parsed;
  }
  const overrides = valueAt(raw, overridesPath);
  const options = {
    packs,
    seed: section.seed,
    ...(durationS === undefined ? {} : { durationS }),
    ...(overrides === undefined ? {} : { overrides }),
  };
  const dir = baseDir ?? '.';
  try {
    if (section.file !== undefined) return loadScenarioFile(resolve(dir, section.file), options);
    if (section.config !== undefined)
      return loadConfigDir(resolve(dir, section.config), section.run as string, options);
    // The inline document goes in as overrides of an empty one, so its problems point at the test file's lines.
    const inline = valueAt(raw, ['scenario', 'inline']) as Plain;
    return loadScenarioText('{}', {
      ...options,
      overrides: overrides === undefined ? inline : deepMerge(inline, overrides),
      fileName: at(['scenario', 'inline']).file,
      // Confined, an inline scenario gives its input tables inline: no path of it reaches the file system.
      ...(root === undefined ? { baseDir: dir } : {}),
    });
  } catch (error) {
    if (error instanceof ScenarioError) {
      for (const issue of error.issues) {
        issues.add({
          code: issue.code ?? ScenarioIssueCode.InvalidValue,
          loc: { file: issue.file, line: issue.line, column: issue.column },
          path: issue.path,
          message: issue.message,
          ...(issue.expected !== undefined ? { expected: issue.expected } : {}),
          ...(issue.found !== undefined ? { found: issue.found } : {}),
          ...(issue.suggestion !== undefined ? { suggestion: issue.suggestion } : {}),
        });
      }
      return null;
    }
    if (error instanceof TwinError) {
      const key = section.file !== undefined ? 'file' : 'config';
      issues.add({
        code: ScenarioIssueCode.UnknownReference,
        loc: at(['scenario', key]),
        path: `scenario.${key}`,
        message: error.message,
      });
      return null;
    }
    throw error;
  }
}

function valueAt(root: Plain, path: readonly PropertyKey[]): Plain | undefined {
  let current: Plain | undefined = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, Plain>)[String(segment)];
  }
  return current;
}
