import type { Problem, ProblemIssue } from './types.js';

/** A failed API call: the server's stable `code`, HTTP status and located issues (field paths or scenario lines). */
export class DoppelApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: readonly ProblemIssue[];
  readonly problem: Problem | null;
  /** Seconds to wait before retrying (429). */
  readonly retryAfterS: number | null;
  constructor(status: number, problem: Problem | null, message: string, retryAfterS: number | null = null) {
    super(message);
    this.name = 'DoppelApiError';
    this.status = status;
    this.code = problem?.code ?? (status === 0 ? 'DOPPEL_ERR_NETWORK' : 'DOPPEL_ERR_HTTP');
    this.issues = problem?.issues ?? [];
    this.problem = problem;
    this.retryAfterS = retryAfterS;
  }
}
