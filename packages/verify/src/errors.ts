import { IssuesError, type ScenarioIssue } from '@doppel/twin';

/** Stable error codes of scenario tests. Tests and API clients match on `code`, never on message text. */
export const VerifyErrorCode = {
  /** The test file is not valid: every problem is in `issues`, located (file:line:column and field path). */
  TestInvalid: 'DOPPEL_ERR_TEST_INVALID',
  /** A test file or folder does not exist. */
  TestNotFound: 'DOPPEL_ERR_TEST_NOT_FOUND',
  /** A baseline file is missing or unreadable (write it with --update-baselines). */
  BaselineMissing: 'DOPPEL_ERR_BASELINE_MISSING',
} as const;
export type VerifyErrorCode = (typeof VerifyErrorCode)[keyof typeof VerifyErrorCode];

export class VerifyError extends IssuesError<VerifyErrorCode> {
  override name = 'VerifyError';
}

/** One line per issue, as the CLI prints them: `file:line:column path: message (expected ..., found ...)`. */
export function formatIssues(issues: readonly ScenarioIssue[]): string {
  return issues
    .map((issue) => {
      const where = `${issue.file}:${issue.line}:${issue.column}`;
      const path = issue.path === '' ? '' : ` ${issue.path}:`;
      const extra = [
        issue.expected !== undefined ? `expected ${issue.expected}` : undefined,
        issue.found !== undefined ? `found ${issue.found}` : undefined,
        issue.suggestion !== undefined ? `did you mean "${issue.suggestion}"?` : undefined,
      ].filter((part) => part !== undefined);
      return `${where}${path} ${issue.message}${extra.length > 0 ? ` (${extra.join('; ')})` : ''}`;
    })
    .join('\n');
}
