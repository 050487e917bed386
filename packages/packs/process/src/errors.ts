/** Stable error codes of the process pack; tests and API clients match on `code`, never on message text. */
export const ProcessErrorCode = {
  /** The model is not a valid block diagram: unknown type or port, bad property, unit mismatch, algebraic loop. */
  ModelInvalid: 'DOPPEL_ERR_PROCESS_MODEL_INVALID',
  /** An FMU component failed while it ran: its FMU crashed, hung past the call timeout, or returned an error. */
  FmuFailed: 'DOPPEL_ERR_PROCESS_FMU_FAILED',
} as const;
export type ProcessErrorCode = (typeof ProcessErrorCode)[keyof typeof ProcessErrorCode];

/** One problem of a model, at its place (`components[2].properties.kp`, `connections[0].target_port`). */
export interface ModelIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export class ProcessModelError extends Error {
  readonly code = ProcessErrorCode.ModelInvalid;
  constructor(readonly issues: readonly ModelIssue[]) {
    super(
      issues
        .slice(0, 10)
        .map((i) => `${pathText(i.path)}: ${i.message}`)
        .join('; '),
    );
    this.name = 'ProcessModelError';
  }
}

export function pathText(path: readonly (string | number)[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

/**
 * An FMU component that failed while the model ran, located: the component, the communication step it was in, and
 * the FMU's own error code (`DOPPEL_ERR_FMU_HOST_CRASHED`, `…_CALL_TIMEOUT`, `…_CALL_FAILED`) when it has one.
 */
export class FmuComponentError extends Error {
  readonly code = ProcessErrorCode.FmuFailed;
  constructor(
    readonly componentId: string,
    /** The communication step: from `from` to `to` sim seconds (equal for a failure outside a step). */
    readonly from: number,
    readonly to: number,
    readonly fmuCode: string | null,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const during = from === to ? `at t=${to} s` : `in the step from t=${from} s to t=${to} s`;
    super(`FMU component ${componentId} failed ${during}${fmuCode !== null ? ` [${fmuCode}]` : ''}: ${reason}`, {
      cause,
    });
    this.name = 'FmuComponentError';
  }
}
