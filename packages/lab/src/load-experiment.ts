import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { IssueList, readYaml, validateLocated, type Loc } from '@doppel/twin';
import { formatIssues } from '@doppel/verify';
import { designSize, isLevels } from './design.js';
import { LabError, LabErrorCode } from './errors.js';
import { experimentFileSchema, type ExperimentFile } from './experiment-schema.js';

/** The most an experiment file may hold: hostile input gets a clear error, never a hang. */
const MAX_EXPERIMENT_BYTES = 1_000_000;
/** The most points a grid may have: a typo in a factor list should not schedule a million runs. */
const MAX_POINTS = 10_000;

export interface Experiment extends ExperimentFile {
  readonly name: string;
  /** The experiment file; relative paths in it (the base scenario) are relative to its folder. */
  readonly file: string;
  /** The base scenario file, absolute, when the base is a scenario. */
  readonly scenarioPath: string | null;
}

/** Loads and checks an experiment file. Throws LabError with every located problem. */
export function loadExperimentFile(path: string): Experiment {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new LabError(LabErrorCode.ExperimentNotFound, `experiment file not found: ${path}`);
  }
  if (statSync(path).size > MAX_EXPERIMENT_BYTES) {
    throw new LabError(
      LabErrorCode.ExperimentInvalid,
      `${path}: an experiment file is at most ${MAX_EXPERIMENT_BYTES} bytes, found ${statSync(path).size}`,
    );
  }
  return loadExperimentText(readFileSync(path, 'utf8'), path);
}

/** Loads an experiment from YAML or JSON text; `file` names it in errors and anchors relative paths. */
export function loadExperimentText(text: string, file: string): Experiment {
  const issues = new IssueList();
  const rootLoc: Loc = { file, line: 1, column: 1 };
  const raw = readYaml(text, file, issues) ?? null;
  if (issues.size > 0) fail(issues, file);
  const checked = validateLocated(experimentFileSchema, raw, [], issues, rootLoc);
  if (!checked.ok) fail(issues, file);
  const data = checked.data;
  if (data.design.type === 'grid') {
    const range = Object.entries(data.factors).find(([, spec]) => !isLevels(spec));
    if (range !== undefined) {
      throw new LabError(
        LabErrorCode.ExperimentInvalid,
        `${file}:${lineOf(text, range[0])}: factors.${range[0]}: a grid needs a list of values, found a range ` +
          '(ranges are for design type random or latin_hypercube)',
      );
    }
  }
  const points = designSize(data.design, data.factors);
  if (points > MAX_POINTS) {
    throw new LabError(
      LabErrorCode.ExperimentInvalid,
      `${file}: factors: the grid has ${points} points, at most ${MAX_POINTS} are allowed`,
    );
  }
  if (!('model' in data.base)) {
    const bad = Object.keys(data.factors).find((path) => path === 'seed' || path.startsWith('seed.'));
    if (bad !== undefined) {
      throw new LabError(
        LabErrorCode.ExperimentInvalid,
        `${file}: factors.${bad}: the seed is the experiment's (common random numbers), not a factor`,
      );
    }
  }
  return {
    ...data,
    name: data.name ?? basename(file, extname(file)),
    file,
    scenarioPath: 'scenario' in data.base ? resolve(dirname(file), data.base.scenario) : null,
  };
}

/** The 1-based line where `key` first appears in the text (1 when not found): enough to point an editor at it. */
export function lineOf(text: string, key: string): number {
  const index = text.indexOf(key);
  return index < 0 ? 1 : text.slice(0, index).split('\n').length;
}

function fail(issues: IssueList, file: string): never {
  failLocated(issues, file, LabErrorCode.ExperimentInvalid);
}

/** Throws every problem of `issues`, sorted by place, as one LabError of `code`. */
export function failLocated(issues: IssueList, file: string, code: LabErrorCode): never {
  const sorted = issues.sorted();
  throw new LabError(
    code,
    `${file}: ${sorted.length} problem${sorted.length === 1 ? '' : 's'}\n${formatIssues(sorted)}`,
    sorted,
  );
}
