/**
 * The engine's error catalogue. Every error thrown by the engine is a DoppelError with a stable `code`;
 * callers (and tests) match on `code`, never on message text.
 *
 * To add codes for a new engine area, add entries to ENGINE_ERROR_CODES: the DoppelErrorCode union follows.
 */
export const ENGINE_ERROR_CODES = {
  // environment
  SEED_REQUIRED: 'DOPPEL_ERR_SEED_REQUIRED',
  EMPTY_SCHEDULE: 'DOPPEL_ERR_EMPTY_SCHEDULE',
  INVALID_DELAY: 'DOPPEL_ERR_INVALID_DELAY',
  INVALID_TIME: 'DOPPEL_ERR_INVALID_TIME',
  INVALID_PRIORITY: 'DOPPEL_ERR_INVALID_PRIORITY',
  UNTIL_IN_PAST: 'DOPPEL_ERR_UNTIL_IN_PAST',
  UNTIL_NOT_TRIGGERED: 'DOPPEL_ERR_UNTIL_NOT_TRIGGERED',
  INVALID_OPTION: 'DOPPEL_ERR_INVALID_OPTION',
  FOREIGN_EVENT: 'DOPPEL_ERR_FOREIGN_EVENT',
  // events
  EVENT_ALREADY_TRIGGERED: 'DOPPEL_ERR_EVENT_ALREADY_TRIGGERED',
  EVENT_NOT_TRIGGERED: 'DOPPEL_ERR_EVENT_NOT_TRIGGERED',
  EVENT_ALREADY_PROCESSED: 'DOPPEL_ERR_EVENT_ALREADY_PROCESSED',
  EVENT_NOT_ERROR: 'DOPPEL_ERR_EVENT_NOT_ERROR',
  CONDITION_VALUE_MISSING: 'DOPPEL_ERR_CONDITION_VALUE_MISSING',
  // processes
  INVALID_YIELD: 'DOPPEL_ERR_INVALID_YIELD',
  INVALID_GENERATOR: 'DOPPEL_ERR_INVALID_GENERATOR',
  PROCESS_DEAD: 'DOPPEL_ERR_PROCESS_DEAD',
  SELF_INTERRUPT: 'DOPPEL_ERR_SELF_INTERRUPT',
  // control and pacing
  // continuous (ODE) integration
  ODE_INVALID: 'DOPPEL_ERR_ODE_INVALID',
  // rng (thrown as RngError, rng/errors.ts)
  RNG_UNAVAILABLE: 'DOPPEL_ERR_RNG_UNAVAILABLE',
  INVALID_SEED: 'DOPPEL_ERR_INVALID_SEED',
  UNKNOWN_RNG_ALGORITHM: 'DOPPEL_ERR_UNKNOWN_RNG_ALGORITHM',
  INVALID_STREAM_NAME: 'DOPPEL_ERR_INVALID_STREAM_NAME',
  INVALID_DISTRIBUTION_PARAMETER: 'DOPPEL_ERR_INVALID_DISTRIBUTION_PARAMETER',
  // resources, containers, stores (thrown as ResourceError, resources/errors.ts)
  INVALID_CAPACITY: 'DOPPEL_ERR_INVALID_CAPACITY',
  RELEASE_NOT_HELD: 'DOPPEL_ERR_RELEASE_NOT_HELD',
  FOREIGN_REQUEST: 'DOPPEL_ERR_FOREIGN_REQUEST',
  INVALID_AMOUNT: 'DOPPEL_ERR_INVALID_AMOUNT',
  AMOUNT_EXCEEDS_CAPACITY: 'DOPPEL_ERR_AMOUNT_EXCEEDS_CAPACITY',
  INVALID_INIT: 'DOPPEL_ERR_INVALID_INIT',
  INVALID_REQUEST_PRIORITY: 'DOPPEL_ERR_INVALID_REQUEST_PRIORITY',
  INVALID_REQUEST_OPTIONS: 'DOPPEL_ERR_INVALID_REQUEST_OPTIONS',
  PREEMPT_WITHOUT_PROCESS: 'DOPPEL_ERR_PREEMPT_WITHOUT_PROCESS',
  RESOURCE_INVARIANT: 'DOPPEL_ERR_RESOURCE_INVARIANT',
} as const;

export type DoppelErrorCode = (typeof ENGINE_ERROR_CODES)[keyof typeof ENGINE_ERROR_CODES];

/**
 * An error with a stable `code` from one package's table, and the facts behind it. Every package's error class narrows
 * the code to its own table and names itself; this is the one place that holds the two fields.
 */
export class CodedError<Code extends string> extends Error {
  readonly code: Code;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: Code, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export class DoppelError extends CodedError<DoppelErrorCode> {
  override name = 'DoppelError';
}

/** Thrown by `Environment.step()` when no event is scheduled (SimPy's EmptySchedule). */
export class EmptySchedule extends DoppelError {
  constructor(now: number) {
    super(ENGINE_ERROR_CODES.EMPTY_SCHEDULE, `No scheduled events left (sim time ${now}).`, { now });
    this.name = 'EmptySchedule';
  }
}

/** Thrown into a process generator when another process interrupts it. */
export class Interrupt extends Error {
  override readonly cause: unknown;

  constructor(cause?: unknown) {
    super(cause === undefined ? 'Interrupt' : `Interrupt(${describe(cause)})`);
    this.name = 'Interrupt';
    this.cause = cause;
  }
}

export function isDoppelError(error: unknown, code?: DoppelErrorCode): error is DoppelError {
  return error instanceof DoppelError && (code === undefined || error.code === code);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
