// Typed errors of resources, containers and stores (codes are stable; callers match on `code`).
import { DoppelError, ENGINE_ERROR_CODES } from '../errors.js';

/** The resource codes of the engine catalogue (ENGINE_ERROR_CODES), under short names. */
export const RESOURCE_ERROR_CODES = {
  INVALID_CAPACITY: ENGINE_ERROR_CODES.INVALID_CAPACITY,
  RELEASE_NOT_HELD: ENGINE_ERROR_CODES.RELEASE_NOT_HELD,
  FOREIGN_REQUEST: ENGINE_ERROR_CODES.FOREIGN_REQUEST,
  INVALID_AMOUNT: ENGINE_ERROR_CODES.INVALID_AMOUNT,
  AMOUNT_EXCEEDS_CAPACITY: ENGINE_ERROR_CODES.AMOUNT_EXCEEDS_CAPACITY,
  INVALID_INIT: ENGINE_ERROR_CODES.INVALID_INIT,
  INVALID_REQUEST_PRIORITY: ENGINE_ERROR_CODES.INVALID_REQUEST_PRIORITY,
  INVALID_REQUEST_OPTIONS: ENGINE_ERROR_CODES.INVALID_REQUEST_OPTIONS,
  PREEMPT_WITHOUT_PROCESS: ENGINE_ERROR_CODES.PREEMPT_WITHOUT_PROCESS,
  INVARIANT_VIOLATED: ENGINE_ERROR_CODES.RESOURCE_INVARIANT,
} as const;

export type ResourceErrorCode = (typeof RESOURCE_ERROR_CODES)[keyof typeof RESOURCE_ERROR_CODES];

export class ResourceError extends DoppelError {
  declare readonly code: ResourceErrorCode;

  constructor(code: ResourceErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
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
