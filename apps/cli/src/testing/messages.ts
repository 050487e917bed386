import type { ScenarioIssue, TestResult } from '@doppel/twin';

/** What a test worker is asked to do. */
export interface TestJob {
  readonly file: string;
  readonly updateBaselines: boolean;
}

/** What a test worker answers: a result, bad input (exit 2), or an error (internal, or a deadline with its code). */
export type TestOutcome =
  | { readonly kind: 'result'; readonly file: string; readonly result: TestResult }
  | {
      readonly kind: 'invalid';
      readonly file: string;
      readonly code: string;
      readonly message: string;
      readonly issues: readonly ScenarioIssue[];
    }
  | { readonly kind: 'error'; readonly file: string; readonly message: string; readonly code?: string };
