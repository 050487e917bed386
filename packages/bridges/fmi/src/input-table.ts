import { FmiError, FmiErrorCode } from './errors.js';
import { parseScalar, type ModelVariable } from './model-variables.js';

/** Input signals from a CSV: first column `time`, one column per input variable, held constant between rows. */
export interface InputTable {
  /** Input variable names, in column order. */
  readonly names: readonly string[];
  readonly times: readonly number[];
  /** rows[r][c]: the value of names[c] from times[r] on (booleans as 0/1). */
  readonly rows: readonly (readonly number[])[];
}

const bad = (file: string, line: number, message: string): FmiError =>
  new FmiError(FmiErrorCode.InvalidRequest, `${file}:${line}: ${message}`, { file, line });

/**
 * Parses an input CSV against the model's inputs: a header `time,<input names>`, numeric rows, non-decreasing time.
 * Errors name file:line and the column.
 */
export function parseInputCsv(text: string, file: string, variables: readonly ModelVariable[]): InputTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((cell) => cell.trim());
  if (header[0] !== 'time') throw bad(file, 1, `the first column must be "time", found "${header[0] ?? ''}"`);
  const byName = new Map(variables.map((variable) => [variable.name, variable]));
  const columns = header.slice(1).map((name) => {
    const variable = byName.get(name);
    if (variable === undefined || variable.causality !== 'input')
      throw bad(
        file,
        1,
        `column "${name}" is not an input variable of the model (inputs: ${
          variables
            .filter((v) => v.causality === 'input')
            .map((v) => v.name)
            .join(', ') || 'none'
        })`,
      );
    if (variable.kind === null || variable.kind === 'string')
      throw bad(file, 1, `column "${name}": inputs of type ${variable.type} cannot be read from CSV`);
    return variable;
  });
  if (new Set(header).size !== header.length) throw bad(file, 1, 'a column name appears twice');
  const times: number[] = [];
  const rows: number[][] = [];
  lines.slice(1).forEach((line, index) => {
    const lineNo = index + 2;
    if (line.trim() === '') return;
    const cells = line.split(',').map((cell) => cell.trim());
    if (cells.length !== header.length)
      throw bad(file, lineNo, `expected ${header.length} values, found ${cells.length}`);
    const time = Number(cells[0]);
    if (cells[0] === '' || !Number.isFinite(time))
      throw bad(file, lineNo, `time must be a number, found "${cells[0]}"`);
    if (times.length > 0 && time < times[times.length - 1])
      throw bad(file, lineNo, `time goes back (${time} after ${times[times.length - 1]})`);
    times.push(time);
    rows.push(
      columns.map((variable, c) => {
        const value = parseScalar(
          variable.type,
          cells[c + 1],
          { file: `${file}:${lineNo}`, element: `column "${variable.name}"` },
          'the value',
        );
        return typeof value === 'boolean' ? (value ? 1 : 0) : (value as number);
      }),
    );
  });
  if (times.length === 0) throw bad(file, 2, 'the file has no data rows');
  return { names: columns.map((variable) => variable.name), times, rows };
}

/** The row in force at time t (the last row whose time is ≤ t; the first row before it starts). */
export function rowAt(table: InputTable, t: number): readonly number[] {
  let lo = 0;
  let hi = table.times.length - 1;
  if (t < table.times[0]) return table.rows[0];
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (table.times[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return table.rows[lo];
}
