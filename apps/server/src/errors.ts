import type { FmiErrorCode } from '@doppel/bridge-fmi';
import { MAX_REPORTED_ISSUES, TwinError, TwinErrorCode, type ScenarioIssue } from '@doppel/twin';
import { errorCodeOf, storageCauseOf, storageCauseText, type StorageCause } from './storage-causes.js';

/** Stable error codes of the server. Clients match on `code`, never on message text. */
export const ServerErrorCode = {
  Unauthorized: 'DOPPEL_ERR_UNAUTHORIZED',
  Forbidden: 'DOPPEL_ERR_FORBIDDEN',
  NotFound: 'DOPPEL_ERR_NOT_FOUND',
  Validation: 'DOPPEL_ERR_VALIDATION',
  MalformedBody: 'DOPPEL_ERR_MALFORMED_BODY',
  /** The request line or headers could not be read (a bad URL, a malformed header). */
  BadRequest: 'DOPPEL_ERR_BAD_REQUEST',
  RequestTimeout: 'DOPPEL_ERR_REQUEST_TIMEOUT',
  UriTooLong: 'DOPPEL_ERR_URI_TOO_LONG',
  HeadersTooLarge: 'DOPPEL_ERR_HEADERS_TOO_LARGE',
  PayloadTooLarge: 'DOPPEL_ERR_PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'DOPPEL_ERR_UNSUPPORTED_MEDIA_TYPE',
  /** A plain HTTP request on a WebSocket route. */
  UpgradeRequired: 'DOPPEL_ERR_UPGRADE_REQUIRED',
  RateLimited: 'DOPPEL_ERR_RATE_LIMITED',
  LimitExceeded: 'DOPPEL_ERR_LIMIT_EXCEEDED',
  /** Input over a bound of contracts/limits.ts (nesting depth, length, alias expansion): the detail names it. */
  InputLimit: 'DOPPEL_ERR_INPUT_LIMIT',
  Timeout: 'DOPPEL_ERR_TIMEOUT',
  WorkerFailed: 'DOPPEL_ERR_WORKER_FAILED',
  ShuttingDown: 'DOPPEL_ERR_SHUTTING_DOWN',
  /** The data disk is full (or over quota): nothing was stored. */
  StorageFull: 'DOPPEL_ERR_STORAGE_FULL',
  /** The data directory cannot be written (read-only file system, permissions). */
  StorageReadOnly: 'DOPPEL_ERR_STORAGE_READ_ONLY',
  /** Another input/output error of the data directory. */
  StorageFailed: 'DOPPEL_ERR_STORAGE_FAILED',
  WebhookUrlRefused: 'DOPPEL_ERR_WEBHOOK_URL_REFUSED',
  /** A scenario test's text is not valid: every problem located in its YAML (line, column, field path). */
  TestInvalid: 'DOPPEL_ERR_TEST_INVALID',
  /** A machine model does not compile: unknown type or port, bad property, unit mismatch, algebraic loop. */
  ModelInvalid: 'DOPPEL_ERR_PROCESS_MODEL_INVALID',
  /** A hardware-in-the-loop run of a model that has no communication bindings. */
  NoBindings: 'DOPPEL_ERR_NO_BINDINGS',
  /** A communication binding that does not fit its model (no such port) or its protocol (a malformed address). */
  BindingInvalid: 'DOPPEL_ERR_BINDING_INVALID',
  /** A device of a model's bindings could not be reached when its hardware-in-the-loop run started. */
  DeviceUnreachable: 'DOPPEL_ERR_DEVICE_UNREACHABLE',
  /** A request a hardware-in-the-loop simulation cannot take (its loop alone steps it), or one about a loop that is not there. */
  HilState: 'DOPPEL_ERR_HIL_STATE',
  /** Live telemetry not newer than the sample already mirrored: a late or replayed message. */
  OutOfOrder: 'DOPPEL_ERR_OUT_OF_ORDER',
  /** A test run has no report yet (JUnit, HTML): it is queued, running, or ended in an error. */
  RunNotFinished: 'DOPPEL_ERR_RUN_NOT_FINISHED',
  /** An experiment's text is not valid: its problems located in the YAML (line, field path). */
  ExperimentInvalid: 'DOPPEL_ERR_EXPERIMENT_INVALID',
  /** An experiment that has finished (succeeded, failed or cancelled) cannot be cancelled. */
  ExperimentFinished: 'DOPPEL_ERR_EXPERIMENT_FINISHED',
  Internal: 'DOPPEL_ERR_INTERNAL',
} as const;
export type ServerErrorCode = (typeof ServerErrorCode)[keyof typeof ServerErrorCode];

/** The error code of each cause of a storage failure. */
export const storageErrorCode: Readonly<Record<StorageCause, ServerErrorCode>> = {
  full: ServerErrorCode.StorageFull,
  'read-only': ServerErrorCode.StorageReadOnly,
  failed: ServerErrorCode.StorageFailed,
};

/** One located problem of a request: a field path (`body.duration_seconds`) or a line in a posted scenario. */
export interface ProblemIssue {
  readonly path: string;
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
  readonly line?: number;
  readonly column?: number;
  readonly suggestion?: string;
}

/** RFC 9457 problem details, plus our stable code and located issues. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly issues?: readonly ProblemIssue[];
  readonly instance?: string;
}

const statusOfServerCode: Record<ServerErrorCode, number> = {
  DOPPEL_ERR_UNAUTHORIZED: 401,
  DOPPEL_ERR_FORBIDDEN: 403,
  DOPPEL_ERR_NOT_FOUND: 404,
  DOPPEL_ERR_VALIDATION: 422,
  DOPPEL_ERR_MALFORMED_BODY: 400,
  DOPPEL_ERR_BAD_REQUEST: 400,
  DOPPEL_ERR_REQUEST_TIMEOUT: 408,
  DOPPEL_ERR_URI_TOO_LONG: 414,
  DOPPEL_ERR_HEADERS_TOO_LARGE: 431,
  DOPPEL_ERR_PAYLOAD_TOO_LARGE: 413,
  DOPPEL_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  DOPPEL_ERR_UPGRADE_REQUIRED: 426,
  DOPPEL_ERR_RATE_LIMITED: 429,
  DOPPEL_ERR_LIMIT_EXCEEDED: 409,
  DOPPEL_ERR_INPUT_LIMIT: 422,
  DOPPEL_ERR_TIMEOUT: 503,
  DOPPEL_ERR_WORKER_FAILED: 409,
  DOPPEL_ERR_SHUTTING_DOWN: 503,
  DOPPEL_ERR_STORAGE_FULL: 507,
  DOPPEL_ERR_STORAGE_READ_ONLY: 507,
  DOPPEL_ERR_STORAGE_FAILED: 503,
  DOPPEL_ERR_WEBHOOK_URL_REFUSED: 422,
  DOPPEL_ERR_TEST_INVALID: 422,
  DOPPEL_ERR_PROCESS_MODEL_INVALID: 422,
  DOPPEL_ERR_NO_BINDINGS: 409,
  DOPPEL_ERR_BINDING_INVALID: 422,
  DOPPEL_ERR_DEVICE_UNREACHABLE: 409,
  DOPPEL_ERR_HIL_STATE: 409,
  DOPPEL_ERR_RUN_NOT_FINISHED: 409,
  DOPPEL_ERR_EXPERIMENT_INVALID: 422,
  DOPPEL_ERR_EXPERIMENT_FINISHED: 409,
  DOPPEL_ERR_OUT_OF_ORDER: 409,
  DOPPEL_ERR_INTERNAL: 500,
};

const statusOfTwinCode: Record<TwinErrorCode, number> = {
  DOPPEL_ERR_SCENARIO_INVALID: 422,
  DOPPEL_ERR_SCENARIO_NOT_FOUND: 404,
  DOPPEL_ERR_UNKNOWN_PACK: 422,
  DOPPEL_ERR_UNKNOWN_ASSET: 404,
  DOPPEL_ERR_DUPLICATE_ASSET: 422,
  DOPPEL_ERR_UNKNOWN_ACTION: 422,
  DOPPEL_ERR_INVALID_ARGUMENTS: 422,
  DOPPEL_ERR_INTERVENTION_IN_PAST: 422,
  DOPPEL_ERR_INTERVENTION_REJECTED: 422,
  DOPPEL_ERR_UNKNOWN_INTERVENTION: 404,
  DOPPEL_ERR_INVALID_STATE: 409,
  DOPPEL_ERR_INVALID_EXPRESSION: 422,
  DOPPEL_ERR_UNKNOWN_BREAKPOINT: 404,
  DOPPEL_ERR_TIME_OUT_OF_RANGE: 422,
  DOPPEL_ERR_SIMULATION_FINISHED: 409,
  DOPPEL_ERR_SIMULATION_FAILED: 409,
  DOPPEL_ERR_SIMULATION_BUSY: 409,
  DOPPEL_ERR_AWAITING_ACK: 409,
  DOPPEL_ERR_LEDGER_CORRUPT: 500,
  DOPPEL_ERR_LEDGER_GAP: 500,
  DOPPEL_ERR_UNKNOWN_SIMULATION: 404,
};

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

/** A server error with a stable code and an HTTP status; `issues` name the offending fields. */
export class ServerError extends Error {
  readonly code: string;
  readonly status: number;
  readonly issues: readonly ProblemIssue[];
  readonly headers: Readonly<Record<string, string>>;
  /** An FMU's import error keeps the bridge's code (clients match on it) and says its status. */
  constructor(code: FmiErrorCode, message: string, options: { issues?: readonly ProblemIssue[]; status: number });
  constructor(
    code: ServerErrorCode,
    message: string,
    options?: { issues?: readonly ProblemIssue[]; status?: number; headers?: Record<string, string> },
  );
  constructor(
    code: ServerErrorCode | FmiErrorCode,
    message: string,
    options: { issues?: readonly ProblemIssue[]; status?: number; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ServerError';
    this.code = code;
    this.status = options.status ?? statusOfCode(code);
    this.issues = options.issues ?? [];
    this.headers = options.headers ?? {};
  }
}

export const notFound = (what: string): ServerError => new ServerError(ServerErrorCode.NotFound, `${what} not found`);

export function isTwinCode(code: string): code is TwinErrorCode {
  return code in statusOfTwinCode;
}

export function statusOfCode(code: string): number {
  if (isTwinCode(code)) return statusOfTwinCode[code];
  if (code in statusOfServerCode) return statusOfServerCode[code as ServerErrorCode];
  return 500;
}

/** A serialisable form of an error, as it crosses the worker boundary. */
export interface ErrorPayload {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof TwinError) {
    return { code: error.code, message: error.message, details: jsonSafe(error.details) };
  }
  if (error instanceof ServerError) {
    return { code: error.code, message: error.message, details: { issues: error.issues } };
  }
  const cause = storageCauseOf(error);
  if (cause !== null) {
    // A ledger or journal write the disk refused: the host names the file (see SimulationManager.call).
    const detail = error instanceof Error ? error.message : String(error);
    return {
      code: storageErrorCode[cause],
      message: `${storageCauseText[cause]} (${errorCodeOf(error) ?? 'unknown'}): ${detail}`,
    };
  }
  return { code: TwinErrorCode.SimulationFailed, message: error instanceof Error ? error.message : String(error) };
}

function jsonSafe(details: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined {
  if (details === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Scenario (or test file) issues as problem issues: each keeps its path, line and column, and its hints if any. */
export function locatedScenarioIssues(issues: readonly ScenarioIssue[]): ProblemIssue[] {
  return issues.map((issue) => ({
    path: issue.path,
    message: issue.message,
    line: issue.line,
    column: issue.column,
    ...(issue.expected !== undefined ? { expected: issue.expected } : {}),
    ...(issue.found !== undefined ? { found: issue.found } : {}),
    ...(issue.suggestion !== undefined ? { suggestion: issue.suggestion } : {}),
  }));
}

/** Located issues of a twin error: scenario issues keep their line, argument issues their field path. */
export function issuesOf(payload: ErrorPayload, fieldPrefix = 'body'): ProblemIssue[] {
  const details = payload.details ?? {};
  const scenarioIssues = details.issues;
  if (payload.code === TwinErrorCode.ScenarioInvalid && Array.isArray(scenarioIssues)) {
    return locatedScenarioIssues(scenarioIssues as ScenarioIssue[]);
  }
  if (Array.isArray(scenarioIssues)) {
    // Intervention argument issues: { path: string[], message } relative to the arguments (body fields).
    return (scenarioIssues as { path: string[] | string; message: string }[]).flatMap((issue) => {
      const path = [fieldPrefix, ...(Array.isArray(issue.path) ? issue.path : [issue.path])].filter(Boolean);
      // zod reports unknown fields on the object: name each one.
      const unknown = /^Unrecognized keys?: (.+)$/.exec(issue.message);
      if (unknown !== null) {
        return [...unknown[1].matchAll(/"([^"]+)"/g)].map((match) => ({
          path: [...path, match[1]].join('.'),
          message: 'unknown field',
        }));
      }
      return [{ path: path.join('.'), message: issue.message }];
    });
  }
  if (payload.code === TwinErrorCode.InvalidExpression) {
    // A CEL expression (breakpoints): located inside the expression text of the body's `expression` field.
    const position = (details.position ?? {}) as { line?: unknown; column?: unknown };
    return [
      {
        path: `${fieldPrefix}.expression`,
        message: typeof details.reason === 'string' ? details.reason : payload.message,
        ...(typeof position.line === 'number' ? { line: position.line } : {}),
        ...(typeof position.column === 'number' ? { column: position.column } : {}),
      },
    ];
  }
  if (typeof details.field === 'string') {
    const field = details.field === 'args' ? fieldPrefix : `${fieldPrefix}.${details.field}`;
    const expected = details.expected;
    return [
      {
        path: field,
        message: payload.message,
        ...(Array.isArray(expected) ? { expected: expected.map(String).join(', ') } : {}),
      },
    ];
  }
  return [];
}

/** Turns anything thrown (or reported by a worker) into a problem body. No stack trace ever leaves the server. */
export function problemOf(error: unknown): { problem: Problem; headers: Record<string, string> } {
  if (error instanceof ServerError) {
    return {
      problem: makeProblem(error.status, error.code, error.message, error.issues),
      headers: { ...error.headers },
    };
  }
  if (error instanceof TwinError) {
    const payload = toErrorPayload(error);
    return {
      problem: makeProblem(statusOfCode(error.code), error.code, error.message, issuesOf(payload)),
      headers: {},
    };
  }
  if (isPayloadError(error)) {
    return {
      problem: makeProblem(statusOfCode(error.code), error.code, error.message, issuesOf(error)),
      headers: {},
    };
  }
  return { problem: makeProblem(500, ServerErrorCode.Internal, 'Internal server error'), headers: {} };
}

/** A worker-reported error carried as a real Error so stacks of the host stay meaningful. */
export class RemoteError extends Error implements ErrorPayload {
  readonly code: string;
  readonly details?: Readonly<Record<string, unknown>>;
  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = 'RemoteError';
    this.code = payload.code;
    this.details = payload.details;
  }
}

function isPayloadError(error: unknown): error is RemoteError {
  return error instanceof RemoteError;
}

/**
 * A problem body. At most MAX_REPORTED_ISSUES issues are listed (the detail says how many were left out), so a body
 * with 50,000 unknown keys gets a short answer.
 */
export function makeProblem(
  status: number,
  code: string,
  detail: string,
  allIssues: readonly ProblemIssue[] = [],
): Problem {
  const issues = allIssues.slice(0, MAX_REPORTED_ISSUES);
  const omitted = allIssues.length - issues.length;
  return {
    type: `https://doppel.dev/problems/${code
      .replace(/^DOPPEL_ERR_/, '')
      .toLowerCase()
      .replace(/_/g, '-')}`,
    title: titles[status] ?? 'Error',
    status,
    detail: omitted > 0 ? `${detail} (${omitted} more issues not listed)` : detail,
    code,
    ...(issues.length > 0 ? { issues } : {}),
  };
}
