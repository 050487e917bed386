import { ScenarioError, ScenarioIssueCode, type ScenarioIssue } from '../errors.js';
import { formatPath, type Loc } from './located.js';

export interface IssueInput {
  readonly code: ScenarioIssueCode;
  readonly loc: Loc;
  readonly path: readonly PropertyKey[] | string;
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
  readonly suggestion?: string;
}

/** Collects every problem of a load so they can be reported together in one {@link ScenarioError}. */
export class IssueList {
  private readonly items: ScenarioIssue[] = [];
  private readonly seen = new Set<string>();

  add(input: IssueInput): void {
    const path = typeof input.path === 'string' ? input.path : formatPath(input.path);
    const issue: ScenarioIssue = {
      code: input.code,
      file: input.loc.file,
      line: input.loc.line,
      column: input.loc.column,
      path,
      message: input.message,
      ...(input.expected !== undefined ? { expected: input.expected } : {}),
      ...(input.found !== undefined ? { found: input.found } : {}),
      ...(input.suggestion !== undefined ? { suggestion: input.suggestion } : {}),
    };
    // The same value reached through two references (or merged under every document of a folder) is one
    // problem at one place, reported once under the first path that reached it.
    const key = `${issue.code}|${issue.file}|${issue.line}|${issue.column}|${issue.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(issue);
  }

  get size(): number {
    return this.items.length;
  }

  /** Issues sorted by file, line, column so output reads top to bottom, without consequences of other issues. */
  sorted(): ScenarioIssue[] {
    return withoutConsequences(this.items).sort(
      (a, b) => compare(a.file, b.file) || a.line - b.line || a.column - b.column || compare(a.path, b.path),
    );
  }

  throwIfAny(): void {
    if (this.items.length > 0) throw new ScenarioError(this.sorted());
  }
}

/** Other spellings of a field: a missing field is no news when its alias was given (and is reported as wrong). */
const fieldAliases: Readonly<Record<string, readonly string[]>> = {
  duration: ['duration_hours'],
  seed: ['random_seed'],
};

function splitPath(path: string): { parent: string; key: string } {
  const match = /^(.*?)(?:\.([^.[\]]+)|\[(\d+)\])$/.exec(path);
  if (!match) return { parent: '', key: path };
  return { parent: match[1], key: match[2] ?? match[3] };
}

/**
 * Drops issues that only restate another one: a required field reported missing next to a misspelt key that
 * suggests it (`bayz` → `bays`) or next to its alias, and a type error on a string whose constant is unknown.
 */
function withoutConsequences(items: readonly ScenarioIssue[]): ScenarioIssue[] {
  const unknownConstantAt = new Set(
    items
      .filter((issue) => issue.code === ScenarioIssueCode.UnknownConstant)
      .map((issue) => `${issue.file}|${issue.line}|${issue.column}`),
  );
  const byParent = new Map<string, { issue: ScenarioIssue; key: string }[]>();
  for (const issue of items) {
    const { parent, key } = splitPath(issue.path);
    const siblings = byParent.get(parent) ?? [];
    siblings.push({ issue, key });
    byParent.set(parent, siblings);
  }
  return items.filter((issue) => {
    const at = `${issue.file}|${issue.line}|${issue.column}`;
    if (issue.code !== ScenarioIssueCode.UnknownConstant && unknownConstantAt.has(at)) return false;
    if (issue.code !== ScenarioIssueCode.MissingField && issue.code !== ScenarioIssueCode.MissingSeed) return true;
    const { parent, key } = splitPath(issue.path);
    const aliases = fieldAliases[key] ?? [];
    return !(byParent.get(parent) ?? []).some(
      (other) =>
        other.issue !== issue &&
        ((other.issue.code === ScenarioIssueCode.UnknownKey && other.issue.suggestion === key) ||
          aliases.includes(other.key)),
    );
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = previous[j];
      const cost = a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1;
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length];
}

/** The nearest candidate if it is close enough to be a plausible misspelling, else undefined. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(Math.max(word.length, best.length) / 3));
  const contains = best.toLowerCase().includes(word.toLowerCase()) || word.toLowerCase().includes(best.toLowerCase());
  return bestDistance <= limit || (contains && word.length >= 3) ? best : undefined;
}

/** Short description of a found value for messages: `string "abc"`, `number -3`, `a list`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

export function listNames(names: readonly string[]): string {
  if (names.length === 0) return '(none)';
  return names.join(', ');
}
