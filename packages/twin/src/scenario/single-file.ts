import { MAX_DOCUMENT_BYTES } from '../contracts/limits.js';
import { basename, extname } from 'node:path';
import type { ResolvedScenario } from '../contracts/index.js';
import { ScenarioIssueCode, TwinError, TwinErrorCode } from '../errors.js';
import { readConstants, substituteConstants } from './constants.js';
import { directoryOf, isDirectory, listFiles, readTextFile } from './files.js';
import { describeValue, listNames, nearest, IssueList } from './issues.js';
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
import { genericKeys, singleFileGenericSchema } from './schema.js';
import { readYaml } from './yaml-reader.js';

export interface ScenarioTextOptions extends ScenarioLoadOptions {
  /** Name used in error locations (and the default scenario name), e.g. `city.yaml` or `request body`. */
  readonly fileName: string;
  /** Directory CSV input paths are relative to; without it inputs must be given inline as lists of rows. */
  readonly baseDir?: string;
}

/** Loads one scenario file (`doppel run city.yaml`). Throws ScenarioError with every located problem. */
export function loadScenarioFile(path: string, options: ScenarioLoadOptions): ResolvedScenario {
  const text = readTextFile(path, MAX_DOCUMENT_BYTES);
  if (text === undefined) {
    if (isDirectory(path)) {
      throw new TwinError(
        TwinErrorCode.ScenarioNotFound,
        `${path} is a directory, not a scenario file (for a config directory, load a run from it: --config ${path} --run NAME)`,
        { path },
      );
    }
    const folder = directoryOf(path);
    const candidates = listFiles(folder).filter((file) => /\.(ya?ml|json)$/i.test(file));
    const suggestion = nearest(basename(path), candidates);
    throw new TwinError(
      TwinErrorCode.ScenarioNotFound,
      `scenario file not found: ${path} (scenario files in ${folder}: ${listNames(candidates)})` +
        (suggestion ? `. Did you mean "${suggestion}"?` : ''),
      { path, existing: candidates },
    );
  }
  return resolveText(text, { ...options, fileName: path, baseDir: directoryOf(path) }, 'file');
}

/** Loads a scenario from YAML or JSON text (API bodies, editors). */
export function loadScenarioText(text: string, options: ScenarioTextOptions): ResolvedScenario {
  return resolveText(text, options, 'inline');
}

/** Resolves an already-parsed scenario object (no line information: problems point at line 1 of `fileName`). */
export function resolveScenarioObject(value: unknown, options: ScenarioTextOptions): ResolvedScenario {
  const issues = new IssueList();
  return resolveTop(toPlain(value), options, 'inline', issues);
}

function resolveText(text: string, options: ScenarioTextOptions, kind: 'file' | 'inline'): ResolvedScenario {
  const issues = new IssueList();
  const raw = readYaml(text, options.fileName, issues);
  issues.throwIfAny();
  // Overrides (a test's changes to the scenario it runs) keep their own locations, so a problem in them points
  // at the document that wrote them.
  const document = options.overrides === undefined ? (raw ?? null) : deepMerge(raw ?? null, options.overrides);
  return resolveTop(document, options, kind, issues);
}

function defaultName(fileName: string): string {
  const base = basename(fileName);
  return base.slice(0, base.length - extname(base).length) || 'scenario';
}

function resolveTop(
  raw: Plain,
  options: ScenarioTextOptions,
  kind: 'file' | 'inline',
  issues: IssueList,
): ResolvedScenario {
  const rootLoc: Loc = locOf(raw, { file: options.fileName, line: 1, column: 1 });
  if (!isPlainObject(raw)) {
    issues.add({
      code: ScenarioIssueCode.InvalidType,
      loc: rootLoc,
      path: '',
      message: 'a scenario is a mapping of fields (doppel, pack, duration, ...)',
      expected: 'a mapping',
      found: describeValue(raw),
    });
    issues.throwIfAny();
    throw new Error('unreachable');
  }
  const meta = metaOf(raw);
  const constants = readConstants(raw.constants, issues, ['constants'], rootLoc);
  const packName = typeof raw.pack === 'string' ? raw.pack : undefined;
  const allowed = new Set<string>([...genericKeys, ...(packName !== undefined ? [packName] : [])]);
  const known = [...allowed, ...options.packs.map((pack) => pack.name)];
  const generic: [string, Plain, MemberLoc | undefined][] = [];
  let section: Plain | undefined;
  for (const key of Object.keys(raw)) {
    const member = meta?.members.get(key);
    if (!allowed.has(key)) {
      const suggestion = nearest(key, known);
      issues.add({
        code: ScenarioIssueCode.UnknownKey,
        loc: member?.key ?? rootLoc,
        path: key,
        message: `unknown top-level key "${key}"`,
        expected: `one of ${[...allowed].join(', ')}`,
        found: JSON.stringify(key),
        ...(suggestion !== undefined ? { suggestion } : {}),
      });
      continue;
    }
    const value =
      key === 'constants'
        ? raw[key]
        : substituteConstants(raw[key], constants, issues, [key], member?.value ?? rootLoc);
    if (key === packName && !genericKeys.includes(key as never)) section = value;
    else generic.push([key, value, member]);
  }
  return finishScenario(
    {
      generic: buildObject(rootLoc, generic),
      genericSchema: singleFileGenericSchema,
      config: section,
      configPath: packName !== undefined ? [packName] : [],
      rootLoc,
      baseDir: options.baseDir,
      defaultName: defaultName(options.fileName),
      source: kind === 'file' ? { kind, path: options.fileName } : { kind },
    },
    options,
    issues,
  );
}

/** Copies parsed JSON into plain values with an empty location table, dropping what JSON cannot hold. */
function toPlain(value: unknown): Plain {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object') {
    const out: PlainObject = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>))
      if (item !== undefined) out[key] = toPlain(item);
    return out;
  }
  return null;
}
