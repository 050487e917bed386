// Typed errors of resources, containers and stores (codes are stable; callers match on `code`).
import { DoppelError, type DoppelErrorCode } from '../errors.js';

export const RESOURCE_ERROR_CODES = {
  INVALID_CAPACITY: 'DOPPEL_ERR_INVALID_CAPACITY',
  RELEASE_NOT_HELD: 'DOPPEL_ERR_RELEASE_NOT_HELD',
  FOREIGN_REQUEST: 'DOPPEL_ERR_FOREIGN_REQUEST',
  INVALID_AMOUNT: 'DOPPEL_ERR_INVALID_AMOUNT',
  AMOUNT_EXCEEDS_CAPACITY: 'DOPPEL_ERR_AMOUNT_EXCEEDS_CAPACITY',
  INVALID_INIT: 'DOPPEL_ERR_INVALID_INIT',
  INVALID_REQUEST_PRIORITY: 'DOPPEL_ERR_INVALID_REQUEST_PRIORITY',
  INVARIANT_VIOLATED: 'DOPPEL_ERR_RESOURCE_INVARIANT',
} as const;

export type ResourceErrorCode = (typeof RESOURCE_ERROR_CODES)[keyof typeof RESOURCE_ERROR_CODES];

export class ResourceError extends DoppelError {
  constructor(code: ResourceErrorCode, message: string, details?: Record<string, unknown>) {
    // The engine's code union lists the core's codes; resource codes extend it from this module.
    super(code as unknown as DoppelErrorCode, message, details);
    this.name = 'ResourceError';
  }
}

export function checkCapacity(kind: string, capacity: number, allowInfinity: boolean): number {
  const ok = allowInfinity && capacity === Infinity ? true : Number.isSafeInteger(capacity) && capacity >= 1;
  if (!ok) {
    throw new ResourceError(
      RESOURCE_ERROR_CODES.INVALID_CAPACITY,
      `${kind} capacity must be an integer >= 1${allowInfinity ? ' or Infinity' : ''}, got ${String(capacity)}.`,
      { capacity },
    );
  }
  return capacity;
}

export function invariantViolated(what: string, details: Record<string, unknown>): ResourceError {
  return new ResourceError(RESOURCE_ERROR_CODES.INVARIANT_VIOLATED, `Resource invariant violated: ${what}.`, details);
}
