// Typed errors of the RNG layer. Codes are stable; tests and callers match on `code`, never on message text.
import { DoppelError } from '../errors.js';

export type RngErrorCode =
  | 'DOPPEL_ERR_SEED_REQUIRED'
  | 'DOPPEL_ERR_INVALID_SEED'
  | 'DOPPEL_ERR_UNKNOWN_RNG_ALGORITHM'
  | 'DOPPEL_ERR_INVALID_STREAM_NAME'
  | 'DOPPEL_ERR_INVALID_DISTRIBUTION_PARAMETER';

export class RngError extends DoppelError {
  declare readonly code: RngErrorCode;
  /** The offending value, as given. */
  readonly value: unknown;
  /** Which argument was wrong (`rate`, `seed`, `weights`...). */
  readonly parameter: string;

  constructor(code: RngErrorCode, parameter: string, value: unknown, message: string) {
    super(code, message, { parameter, value });
    this.name = 'RngError';
    this.parameter = parameter;
    this.value = value;
  }
}

export function invalidParameter(distribution: string, parameter: string, value: unknown, expected: string): RngError {
  return new RngError(
    'DOPPEL_ERR_INVALID_DISTRIBUTION_PARAMETER',
    parameter,
    value,
    `${distribution}: ${parameter} must be ${expected}, got ${String(value)}`,
  );
}
