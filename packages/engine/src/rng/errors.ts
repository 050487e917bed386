// Typed errors of the RNG layer. Codes are stable; tests and callers match on `code`, never on message text.
import { DoppelError, type DoppelErrorCode } from '../errors.js';

export type RngErrorCode =
  | 'DOPPEL_ERR_SEED_REQUIRED'
  | 'DOPPEL_ERR_INVALID_SEED'
  | 'DOPPEL_ERR_UNKNOWN_RNG_ALGORITHM'
  | 'DOPPEL_ERR_INVALID_STREAM_NAME'
  | 'DOPPEL_ERR_INVALID_DISTRIBUTION_PARAMETER';

export class RngError extends DoppelError {
  /** The offending value, as given. */
  readonly value: unknown;
  /** Which argument was wrong (`rate`, `seed`, `weights`...). */
  readonly parameter: string;

  constructor(code: RngErrorCode, parameter: string, value: unknown, message: string) {
    // The engine's code union lists the core's codes; RNG codes extend it from this module.
    super(code as unknown as DoppelErrorCode, message, { parameter, value });
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
