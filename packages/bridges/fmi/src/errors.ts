/** Stable error codes of FMU import and co-simulation. Tests and API clients match on `code`, never on message text. */
export const FmiErrorCode = {
  /** The file is not a readable FMU archive (not a zip, truncated, too large, unsafe entry names). */
  ArchiveInvalid: 'DOPPEL_ERR_FMU_ARCHIVE_INVALID',
  /** modelDescription.xml is missing, not well-formed or breaks the standard's schema (the element is named). */
  ModelDescriptionInvalid: 'DOPPEL_ERR_FMU_MODEL_DESCRIPTION_INVALID',
  /** fmiVersion is neither 2.0 nor 3.0. */
  UnsupportedVersion: 'DOPPEL_ERR_FMU_UNSUPPORTED_VERSION',
  /** The FMU offers model exchange only; Doppel runs co-simulation FMUs. */
  NotCoSimulation: 'DOPPEL_ERR_FMU_NOT_COSIMULATION',
  /** The archive has no binary for this platform (binaries/linux64 for 2.0, binaries/x86_64-linux for 3.0). */
  NoBinaryForPlatform: 'DOPPEL_ERR_FMU_NO_BINARY_FOR_PLATFORM',
  /** A variable name, value or phase the caller asked for does not fit the model description. */
  InvalidRequest: 'DOPPEL_ERR_FMU_INVALID_REQUEST',
  /** An FMI function returned fmi2Error/fmi3Error or fmi2Fatal/fmi3Fatal, or the binary lacks a required function. */
  CallFailed: 'DOPPEL_ERR_FMU_CALL_FAILED',
  /** The host process running the FMU's native code died (signal or exit) during a call. */
  HostCrashed: 'DOPPEL_ERR_FMU_HOST_CRASHED',
  /** An FMI call did not return within the call timeout; its host process was killed. */
  CallTimeout: 'DOPPEL_ERR_FMU_CALL_TIMEOUT',
  /** The instance was already freed (after terminate, a crash or a timeout). */
  InstanceClosed: 'DOPPEL_ERR_FMU_INSTANCE_CLOSED',
} as const;
export type FmiErrorCode = (typeof FmiErrorCode)[keyof typeof FmiErrorCode];

export class FmiError extends Error {
  readonly code: FmiErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(code: FmiErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'FmiError';
    this.code = code;
    this.details = details;
  }
}

/** True for the errors that end an instance because its native code misbehaved (not a refused request). */
export function isHostFailure(error: unknown): error is FmiError {
  return (
    error instanceof FmiError && (error.code === FmiErrorCode.HostCrashed || error.code === FmiErrorCode.CallTimeout)
  );
}
