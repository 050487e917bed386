import { parse } from 'csv-parse/sync';
import type { AnyPack, InputTableSpec, JsonObject } from '../contracts/index.js';
import { ScenarioIssueCode } from '../errors.js';
import { directoryOf, listFiles, readTextFile, resolvePath } from './files.js';
import { describeValue, listNames, nearest, type IssueList } from './issues.js';
import { formatPath, isPlainObject, locate, metaOf, type Loc, type Plain } from './located.js';
import { explainZodIssue, validateLocated } from './validate.js';

interface CsvRecord {
  readonly record: string[];
  readonly raw: string;
  readonly info: { readonly lines: number };
}

const numberLike = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** CSV cells are text; numbers and booleans are typed so row schemas can use z.number()/z.boolean(). */
function castCell(cell: string): Plain {
  if (numberLike.test(cell)) return Number(cell);
  if (cell === 'true' || cell === 'false') return cell === 'true';
  return cell;
}

/**
 * Loads the scenario's `inputs`: each name must be one of the pack's input tables; a string is a CSV path relative
 * to `baseDir`, a list is inline rows (API bodies). Rows are validated with the table's `row` schema and problems
 * are reported with the CSV file and line.
 */
export function loadInputs(
  inputs: Plain | undefined,
  pack: AnyPack,
  baseDir: string | undefined,
  issues: IssueList,
  fallback: Loc,
): Record<string, JsonObject[]> {
  const out: Record<string, JsonObject[]> = {};
  if (!isPlainObject(inputs)) return out;
  const specs = pack.inputs ?? {};
  for (const name of Object.keys(inputs)) {
    const value = inputs[name];
    const loc = locate(inputs, [name]) ?? fallback;
    const spec = specs[name];
    if (!spec) {
      const suggestion = nearest(name, Object.keys(specs));
      issues.add({
        code: ScenarioIssueCode.UnknownInput,
        loc: locate(inputs, [name], 'key') ?? loc,
        path: ['inputs', name],
        message: `pack "${pack.name}" has no input table "${name}"`,
        expected: `one of ${listNames(Object.keys(specs))}`,
        found: JSON.stringify(name),
        ...(suggestion !== undefined ? { suggestion } : {}),
      });
      continue;
    }
    if (Array.isArray(value)) {
      out[name] = inlineRows(value, spec, name, issues, loc);
    } else if (typeof value === 'string') {
      out[name] = /\.(?:jsonl|ndjson)$/i.test(value)
        ? jsonLinesRows(value, spec, name, baseDir, issues, loc)
        : csvRows(value, spec, name, baseDir, issues, loc);
    }
  }
  return out;
}

function inlineRows(rows: Plain[], spec: InputTableSpec, name: string, issues: IssueList, loc: Loc): JsonObject[] {
  const out: JsonObject[] = [];
  rows.forEach((row, index) => {
    const result = validateLocated(
      spec.row,
      row,
      ['inputs', name, index],
      issues,
      metaOf(rows)?.members.get(String(index))?.value ?? loc,
    );
    if (result.ok) out.push(result.data);
  });
  return out;
}

/** Reads an input file relative to the scenario; a missing file is an issue naming the files that are there. */
function readInput(
  relative: string,
  extensions: readonly string[],
  name: string,
  baseDir: string | undefined,
  issues: IssueList,
  loc: Loc,
): { path: string; text: string } | undefined {
  if (baseDir === undefined) {
    issues.add({
      code: ScenarioIssueCode.InputMissing,
      loc,
      path: ['inputs', name],
      message: 'an input file path needs a base directory; give the rows inline as a list instead',
      found: describeValue(relative),
    });
    return undefined;
  }
  const path = resolvePath(baseDir, relative);
  const text = readTextFile(path);
  if (text !== undefined) return { path, text };
  const folder = directoryOf(path);
  const existing = listFiles(folder).filter((file) => extensions.some((ext) => file.toLowerCase().endsWith(ext)));
  issues.add({
    code: ScenarioIssueCode.InputMissing,
    loc,
    path: ['inputs', name],
    message: `input file not found: ${path} (${extensions.join('/')} files in ${folder}: ${listNames(existing)})`,
    expected: 'a file path relative to the scenario file',
    found: JSON.stringify(relative),
    ...(nearestFile(relative, existing) ?? {}),
  });
  return undefined;
}

/**
 * JSON Lines: one JSON object per line (blank lines skipped), each validated with the table's row schema; a
 * problem names the file, the line and the field path.
 */
function jsonLinesRows(
  relative: string,
  spec: InputTableSpec,
  name: string,
  baseDir: string | undefined,
  issues: IssueList,
  loc: Loc,
): JsonObject[] {
  const input = readInput(relative, ['.jsonl', '.ndjson'], name, baseDir, issues, loc);
  if (input === undefined) return [];
  const out: JsonObject[] = [];
  const lines = input.text.split('\n');
  let index = 0;
  for (let i = 0; i < lines.length; i += 1) {
    const text = lines[i].trim();
    if (text === '') continue;
    const line = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch (error) {
      issues.add({
        code: ScenarioIssueCode.InputInvalid,
        loc: { file: input.path, line, column: 1 },
        path: ['inputs', name, index],
        message: `invalid JSON: ${error instanceof Error ? error.message : String(error)}`,
      });
      index += 1;
      continue;
    }
    const result = spec.row.safeParse(value);
    if (result.success) out.push(result.data);
    else {
      for (const issue of result.error.issues) {
        const keys = issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
        let found: unknown = value;
        for (const key of keys) found = (found as Record<string | number, unknown> | null | undefined)?.[key];
        const explained = explainZodIssue(issue, found as Plain);
        issues.add({
          code: ScenarioIssueCode.InputInvalid,
          loc: { file: input.path, line, column: 1 },
          path: formatPath(['inputs', name, index, ...keys]),
          message: explained.message,
          ...(explained.expected !== undefined ? { expected: explained.expected } : {}),
          ...(found !== undefined ? { found: describeValue(found as Plain) } : {}),
        });
      }
    }
    index += 1;
  }
  return out;
}

function csvRows(
  relative: string,
  spec: InputTableSpec,
  name: string,
  baseDir: string | undefined,
  issues: IssueList,
  loc: Loc,
): JsonObject[] {
  if (baseDir === undefined) {
    issues.add({
      code: ScenarioIssueCode.InputMissing,
      loc,
      path: ['inputs', name],
      message: 'a CSV path needs a base directory; give the rows inline as a list instead',
      found: describeValue(relative),
    });
    return [];
  }
  const path = resolvePath(baseDir, relative);
  const text = readTextFile(path);
  if (text === undefined) {
    const folder = directoryOf(path);
    const existing = listFiles(folder).filter((file) => file.toLowerCase().endsWith('.csv'));
    issues.add({
      code: ScenarioIssueCode.InputMissing,
      loc,
      path: ['inputs', name],
      message: `input file not found: ${path} (CSV files in ${folder}: ${listNames(existing)})`,
      expected: 'a CSV file path relative to the scenario file',
      found: JSON.stringify(relative),
      ...(nearestFile(relative, existing) ?? {}),
    });
    return [];
  }
  const file = path;
  let records: CsvRecord[];
  try {
    records = parse(text, {
      info: true,
      raw: true,
      skip_empty_lines: true,
      relax_column_count: true,
      bom: true,
    }) as unknown as CsvRecord[];
  } catch (error) {
    const where = error as { lines?: number; message?: string };
    issues.add({
      code: ScenarioIssueCode.InputInvalid,
      loc: { file, line: where.lines ?? 1, column: 1 },
      path: ['inputs', name],
      message: `CSV syntax error: ${where.message ?? String(error)}`,
    });
    return [];
  }
  if (records.length === 0) return [];
  const header = records[0].record.map((cell) => cell.trim());
  const out: JsonObject[] = [];
  for (let index = 1; index < records.length; index += 1) {
    const { record, raw, info } = records[index];
    const line = info.lines;
    if (record.length !== header.length) {
      issues.add({
        code: ScenarioIssueCode.InputInvalid,
        loc: { file, line, column: 1 },
        path: ['inputs', name, index - 1],
        message: `row has ${record.length} cells but the header has ${header.length} columns`,
        expected: `${header.length} cells (${header.join(', ')})`,
        found: `${record.length} cells`,
      });
      continue;
    }
    const row = validateRow(spec, header, record);
    if (row.ok) {
      out.push(row.data);
      continue;
    }
    const absent = row.problems.flatMap((problem) =>
      problem.column !== undefined && !header.includes(problem.column) ? [problem.column] : [],
    );
    for (const problem of row.problems) {
      const column = problem.column === undefined ? -1 : header.indexOf(problem.column);
      const missing = column < 0 && problem.column !== undefined;
      const atHeader = missing || problem.header === true;
      const headerRaw = records[0].raw;
      issues.add({
        code: ScenarioIssueCode.InputInvalid,
        loc: {
          file,
          line: atHeader ? records[0].info.lines : line,
          column: column < 0 ? 1 : cellColumn(atHeader ? headerRaw : raw, column),
        },
        path: formatPath([
          'inputs',
          name,
          ...(atHeader ? [] : [index - 1]),
          ...(problem.column !== undefined ? [problem.column] : []),
        ]),
        message: missing ? `column "${problem.column}" is missing from the header` : problem.message,
        ...(problem.expected !== undefined ? { expected: problem.expected } : {}),
        ...(column >= 0 && !atHeader ? { found: describeValue(castCell(record[column].trim())) } : {}),
        ...(problem.header === true && problem.column !== undefined && nearest(problem.column, absent) !== undefined
          ? { suggestion: nearest(problem.column, absent) }
          : {}),
      });
    }
  }
  return out;
}

interface RowProblem {
  readonly column: string | undefined;
  readonly message: string;
  readonly expected?: string;
  /** The problem is the header (an unknown column), not this row's value. */
  readonly header?: boolean;
}

function validateRow(
  spec: InputTableSpec,
  header: string[],
  record: string[],
): { ok: true; data: JsonObject } | { ok: false; problems: RowProblem[] } {
  const typed: JsonObject = {};
  header.forEach((column, index) => {
    typed[column] = castCell(record[index].trim());
  });
  let result = spec.row.safeParse(typed);
  if (!result.success) {
    // A cell that looks like a number may still be meant as text (an id such as "007"): retry those as text.
    let changed = false;
    for (const issue of result.error.issues) {
      const column = issue.path.length === 1 ? String(issue.path[0]) : undefined;
      const index = column === undefined ? -1 : header.indexOf(column);
      if (issue.code === 'invalid_type' && issue.expected === 'string' && index >= 0 && column !== undefined) {
        typed[column] = record[index].trim();
        changed = true;
      }
    }
    if (changed) result = spec.row.safeParse(typed);
  }
  if (result.success) return { ok: true, data: result.data };
  return {
    ok: false,
    problems: result.error.issues.flatMap((issue): RowProblem[] => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => ({ column: key, message: `unknown column "${key}"`, header: true }));
      }
      const column = issue.path.length > 0 ? String(issue.path[0]) : undefined;
      const explained = explainZodIssue(issue, column !== undefined ? typed[column] : typed);
      return [
        {
          column,
          message: explained.message,
          ...(explained.expected !== undefined ? { expected: explained.expected } : {}),
        },
      ];
    }),
  };
}

/** 1-based character column of a cell in a raw CSV line (exact for unquoted lines, the line start otherwise). */
function cellColumn(raw: string, cellIndex: number): number {
  const line = raw.replace(/^[\r\n]+/, '');
  if (line.includes('"')) return 1;
  const cells = line.replace(/[\r\n]+$/, '').split(',');
  let column = 1;
  for (let index = 0; index < cellIndex && index < cells.length; index += 1) column += cells[index].length + 1;
  return column;
}

function nearestFile(relative: string, existing: readonly string[]): { suggestion: string } | undefined {
  const base = relative.split(/[\\/]/).pop() ?? relative;
  const suggestion = nearest(base, existing);
  return suggestion !== undefined ? { suggestion } : undefined;
}
