import { MAX_DOCUMENT_BYTES } from '../contracts/limits.js';
import { join } from 'node:path';
import type { ResolvedScenario } from '../contracts/index.js';
import { ScenarioIssueCode, TwinError, TwinErrorCode } from '../errors.js';
import { readConstants } from './constants.js';
import { configFolders, DocumentResolver, referenceFields, type ConfigFolder } from './documents.js';
import { directoryOf, isDirectory, listFiles, readTextFile, yamlDocumentNames, yamlDocumentPath } from './files.js';
import { describeValue, IssueList, listNames, nearest } from './issues.js';
import {
  buildObject,
  deepMerge,
  isPlainObject,
  locOf,
  metaOf,
  type Loc,
  type MemberLoc,
  type Plain,
  type PlainObject,
} from './located.js';
import { finishScenario, type ScenarioLoadOptions } from './resolve.js';
import { genericKeys, runGenericSchema } from './schema.js';
import { readYaml } from './yaml-reader.js';

/** Keys of defaults.yaml that are defaults of every run (the other keys name folders). */
export const runDefaultKeys = ['pack', 'description', 'start', 'timezone', 'duration', 'seed', 'telemetry'] as const;

/** Seed 002 spellings accepted in run documents, and what they mean. */
export const runAliases = {
  duration_hours: 'duration (in hours)',
  random_seed: 'seed',
} as const;

const runGenericKeys = genericKeys.filter((key) => key !== 'constants');

function notFound(message: string, details: Record<string, unknown>): TwinError {
  return new TwinError(TwinErrorCode.ScenarioNotFound, message, details);
}

function requireConfigDir(dir: string): void {
  if (isDirectory(dir)) return;
  const parent = directoryOf(dir);
  const entries = listFiles(parent).filter((entry) => isDirectory(join(parent, entry)));
  throw notFound(`config directory not found: ${dir} (directories in ${parent}: ${listNames(entries)})`, {
    path: dir,
    existing: entries,
  });
}

/** Names of the runs of a config directory (runs/*.yaml), sorted. */
export function listRuns(dir: string): string[] {
  requireConfigDir(dir);
  const runsDir = join(dir, 'runs');
  if (!isDirectory(runsDir)) {
    throw notFound(`no runs/ folder in config directory ${dir} (it holds: ${listNames(listFiles(dir))})`, {
      path: runsDir,
    });
  }
  return yamlDocumentNames(runsDir);
}

/**
 * Loads run `run` of a config directory (seed 002 layout: runs/ scenarios/ topologies/ equipment/ products/
 * behaviors/ sources/ defaults.yaml constants.yaml). Throws TwinError DOPPEL_ERR_SCENARIO_NOT_FOUND for a missing
 * directory or run, ScenarioError with every located problem otherwise.
 */
export function loadConfigDir(dir: string, run: string, options: ScenarioLoadOptions): ResolvedScenario {
  const runs = listRuns(dir);
  if (!runs.includes(run)) {
    const suggestion = nearest(run, runs);
    throw notFound(
      `run "${run}" not found: no ${join(dir, 'runs', `${run}.yaml`)} (runs in ${dir}: ${listNames(runs)})` +
        (suggestion ? `. Did you mean "${suggestion}"?` : ''),
      { path: dir, run, existing: runs },
    );
  }
  const issues = new IssueList();
  const constants = loadConstants(dir, issues);
  const defaults = loadDefaults(dir, issues);
  const resolver = new DocumentResolver(dir, constants, defaults.folders, issues);
  for (const [folder, value] of defaults.folders)
    defaults.folders.set(folder, resolver.resolveReferences(value, [folder]) as PlainObject);
  const runPath = yamlDocumentPath(join(dir, 'runs'), run) ?? join(dir, 'runs', `${run}.yaml`);
  const rootLoc: Loc = { file: runPath, line: 1, column: 1 };
  const resolved = resolver.resolve('runs', run, rootLoc, []);
  if (!resolved) issues.throwIfAny();
  const merged = deepMerge(defaults.run, resolved ?? buildObject(rootLoc, [])) as PlainObject;
  const withDefaults = isPlainObject(options.overrides)
    ? resolver.applyOverrides(merged, options.overrides, ['overrides'])
    : merged;
  const { generic, config } = splitRun(withDefaults, issues, rootLoc, join(dir, 'defaults.yaml'));
  return finishScenario(
    {
      generic,
      genericSchema: runGenericSchema,
      config,
      configPath: [],
      rootLoc,
      baseDir: dir,
      defaultName: run,
      source: { kind: 'config-dir', path: dir, run },
      skipConfig: resolver.incomplete || issues.sorted().some((issue) => issue.code === ScenarioIssueCode.YamlSyntax),
    },
    options,
    issues,
  );
}

function loadYamlMapping(path: string, issues: IssueList): PlainObject | undefined {
  const text = readTextFile(path, MAX_DOCUMENT_BYTES);
  if (text === undefined) return undefined;
  const raw = readYaml(text, path, issues);
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) {
    issues.add({
      code: ScenarioIssueCode.InvalidType,
      loc: locOf(raw, { file: path, line: 1, column: 1 }),
      path: '',
      message: 'this file is a mapping of keys',
      expected: 'a mapping',
      found: describeValue(raw),
    });
    return undefined;
  }
  return raw;
}

function loadConstants(dir: string, issues: IssueList): Map<string, Plain> {
  const path = join(dir, 'constants.yaml');
  const raw = loadYamlMapping(path, issues);
  return readConstants(raw, issues, [], { file: path, line: 1, column: 1 });
}

interface Defaults {
  readonly run: PlainObject;
  readonly folders: Map<ConfigFolder, PlainObject>;
}

function loadDefaults(dir: string, issues: IssueList): Defaults {
  const path = join(dir, 'defaults.yaml');
  const loc: Loc = { file: path, line: 1, column: 1 };
  const raw = loadYamlMapping(path, issues);
  const runEntries: [string, Plain, MemberLoc | undefined][] = [];
  const folders = new Map<ConfigFolder, PlainObject>();
  if (!raw) return { run: buildObject(loc, []), folders };
  const meta = metaOf(raw);
  const allowed = [...runDefaultKeys, ...configFolders, ...Object.keys(referenceFields)];
  for (const key of Object.keys(raw)) {
    const member = meta?.members.get(key);
    const folder = (configFolders as readonly string[]).includes(key) ? (key as ConfigFolder) : referenceFields[key];
    if ((runDefaultKeys as readonly string[]).includes(key)) {
      runEntries.push([key, raw[key], member]);
    } else if (folder !== undefined && isPlainObject(raw[key])) {
      folders.set(folder, raw[key] as PlainObject);
    } else if (folder !== undefined) {
      issues.add({
        code: ScenarioIssueCode.InvalidType,
        loc: member?.value ?? loc,
        path: key,
        message: `defaults for ${folder}/ documents must be a mapping`,
        expected: 'a mapping',
        found: describeValue(raw[key]),
      });
    } else {
      const suggestion = nearest(key, allowed);
      issues.add({
        code: ScenarioIssueCode.UnknownKey,
        loc: member?.key ?? loc,
        path: key,
        message: `unknown key "${key}" in defaults.yaml`,
        expected: `one of ${allowed.join(', ')}`,
        found: JSON.stringify(key),
        ...(suggestion !== undefined ? { suggestion } : {}),
      });
    }
  }
  return { run: buildObject(locOf(raw, loc), runEntries), folders };
}

/** Generic run fields (with seed 002 aliases mapped) on one side, the pack section on the other. */
function splitRun(
  run: PlainObject,
  issues: IssueList,
  rootLoc: Loc,
  defaultsFile: string,
): { generic: PlainObject; config: PlainObject } {
  const meta = metaOf(run);
  const generic = new Map<string, [string, Plain, MemberLoc | undefined]>();
  const config: [string, Plain, MemberLoc | undefined][] = [];
  const put = (key: string, value: Plain, member: MemberLoc | undefined, alias: string | undefined): void => {
    const previous = generic.get(key);
    if (previous && !fromDefaults(previous[2], defaultsFile) && !fromDefaults(member, defaultsFile)) {
      issues.add({
        code: ScenarioIssueCode.InvalidValue,
        loc: member?.key ?? rootLoc,
        path: alias ?? key,
        message: `${key} is given twice (directly and as ${key === 'seed' ? 'random_seed' : 'duration_hours'})`,
      });
      return;
    }
    // A value written in the run wins over the defaults.yaml value merged under it, whatever its spelling.
    if (previous && fromDefaults(member, defaultsFile)) return;
    generic.set(key, [key, value, member]);
  };
  for (const key of Object.keys(run)) {
    const member = meta?.members.get(key);
    if ((runGenericKeys as readonly string[]).includes(key)) put(key, run[key], member, undefined);
    else if (key === 'duration_hours') {
      const seconds = aliasHours(run[key], member, issues, rootLoc);
      if (seconds !== undefined) put('duration', seconds, member, key);
    } else if (key === 'random_seed') put('seed', run[key], member, key);
    else config.push([key, run[key], member]);
  }
  return {
    generic: buildObject(locOf(run, rootLoc), [...generic.values()]),
    config: buildObject(locOf(run, rootLoc), config),
  };
}

function fromDefaults(member: MemberLoc | undefined, defaultsFile: string): boolean {
  return member !== undefined && member.value.file === defaultsFile;
}

function aliasHours(value: Plain, member: MemberLoc | undefined, issues: IssueList, rootLoc: Loc): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value * 3600;
  issues.add({
    code: ScenarioIssueCode.InvalidDuration,
    loc: member?.value ?? rootLoc,
    path: 'duration_hours',
    message: 'duration_hours is a non-negative number of hours',
    expected: 'a number of hours, e.g. 8',
    found: describeValue(value),
  });
  return undefined;
}
