/** Stable error codes of the OPC UA bridge. Callers match on `code`, never on message text. */
export const OpcuaErrorCode = {
  /** The server answered with a bad status; `statusCode` carries its name (`BadNotWritable`) and `statusValue` its number. */
  Status: 'DOPPEL_ERR_OPCUA_STATUS',
  /** No connection: refused, timed out, lost and not re-established in time, or closed. */
  Connection: 'DOPPEL_ERR_OPCUA_CONNECTION',
  /** A NodeId or endpoint URL that does not parse. */
  Address: 'DOPPEL_ERR_OPCUA_ADDRESS',
  /** A value that cannot be converted to the node's DataType. */
  Value: 'DOPPEL_ERR_OPCUA_VALUE',
} as const;
export type OpcuaErrorCode = (typeof OpcuaErrorCode)[keyof typeof OpcuaErrorCode];

export class OpcuaError extends Error {
  readonly code: OpcuaErrorCode;
  /** The OPC UA status name when `code` is `DOPPEL_ERR_OPCUA_STATUS`, e.g. `BadTypeMismatch`. */
  readonly statusCode: string | undefined;
  /** The numeric OPC UA status code (e.g. 0x80740000 for BadTypeMismatch). */
  readonly statusValue: number | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(
    code: OpcuaErrorCode,
    message: string,
    details?: Record<string, unknown>,
    status?: { readonly name: string; readonly value: number },
  ) {
    super(message);
    this.name = 'OpcuaError';
    this.code = code;
    this.statusCode = status?.name;
    this.statusValue = status?.value;
    this.details = details;
  }
}
