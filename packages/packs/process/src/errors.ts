/** Stable error codes of the process pack; tests and API clients match on `code`, never on message text. */
export const ProcessErrorCode = {
  /** The model is not a valid block diagram: unknown type or port, bad property, unit mismatch, algebraic loop. */
  ModelInvalid: 'DOPPEL_ERR_PROCESS_MODEL_INVALID',
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
