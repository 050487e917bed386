import { jsonErrorOffset } from './json-syntax.js';

/** One problem of an export, at its JSON path (`$.ResourceRecordSets[3].Weight`). */
export interface CaptureIssue {
  readonly path: string;
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
}

/** An export that is not of the shape the AWS CLI prints (DOPPEL_ERR_CAPTURE_INVALID), with every problem found. */
export class CaptureError extends Error {
  readonly code = 'DOPPEL_ERR_CAPTURE_INVALID';
  constructor(
    readonly source: string,
    readonly issues: readonly CaptureIssue[],
  ) {
    super(
      `${source}: not a valid export (${issues.length} problem${issues.length === 1 ? '' : 's'})\n` +
        issues
          .slice(0, 50)
          .map(
            (issue) =>
              `  ${issue.path}: ${issue.message}` +
              (issue.expected !== undefined ? `; expected ${issue.expected}` : '') +
              (issue.found !== undefined ? `, found ${issue.found}` : ''),
          )
          .join('\n') +
        (issues.length > 50 ? `\n  ... and ${issues.length - 50} more` : ''),
    );
    this.name = 'CaptureError';
  }
}

/** `$.a[3].b` from path segments. */
export function jsonPath(segments: readonly (string | number)[]): string {
  return (
    '$' +
    segments
      .map((s) =>
        typeof s === 'number' ? `[${s}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`,
      )
      .join('')
  );
}

/** A short description of a found value for messages. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Parses JSON text; a syntax error names its line and column. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const offset = jsonErrorOffset(text);
    let where = '';
    if (offset >= 0) {
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      where = `:${line}:${offset - before.lastIndexOf('\n')}`;
    }
    throw new CaptureError(`${source}${where}`, [{ path: '$', message: `invalid JSON: ${message}` }]);
  }
}
