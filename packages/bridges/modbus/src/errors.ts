/** Stable error codes of the Modbus bridge. Callers match on `code`, never on message text. */
export const ModbusErrorCode = {
  /** The device answered with a Modbus exception; `exceptionCode` carries the protocol's number. */
  Exception: 'DOPPEL_ERR_MODBUS_EXCEPTION',
  /** No connection: refused, timed out, closed, or no answer within the timeout. */
  Connection: 'DOPPEL_ERR_MODBUS_CONNECTION',
  /** An address text (`hr:12:f32`) or URL that does not parse. */
  Address: 'DOPPEL_ERR_MODBUS_ADDRESS',
  /** A value that the addressed type cannot hold (out of range, not a number, not a boolean). */
  Value: 'DOPPEL_ERR_MODBUS_VALUE',
} as const;
export type ModbusErrorCode = (typeof ModbusErrorCode)[keyof typeof ModbusErrorCode];

/** Modbus exception codes (Modbus Application Protocol V1.1b3, §7). */
export const ModbusException = {
  IllegalFunction: 0x01,
  IllegalDataAddress: 0x02,
  IllegalDataValue: 0x03,
  ServerDeviceFailure: 0x04,
  Acknowledge: 0x05,
  ServerDeviceBusy: 0x06,
  GatewayPathUnavailable: 0x0a,
  GatewayTargetFailedToRespond: 0x0b,
} as const;

const exceptionNames = new Map<number, string>(
  Object.entries(ModbusException).map(([name, code]) => [code, name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()]),
);

/** The protocol name of an exception code (`ILLEGAL_DATA_ADDRESS`), or `EXCEPTION_n` for codes the standard leaves open. */
export function exceptionName(code: number): string {
  return exceptionNames.get(code) ?? `EXCEPTION_${code}`;
}

export class ModbusError extends Error {
  readonly code: ModbusErrorCode;
  /** The Modbus exception code when `code` is `DOPPEL_ERR_MODBUS_EXCEPTION`. */
  readonly exceptionCode: number | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(code: ModbusErrorCode, message: string, details?: Record<string, unknown>, exceptionCode?: number) {
    super(message);
    this.name = 'ModbusError';
    this.code = code;
    this.exceptionCode = exceptionCode;
    this.details = details;
  }
}

/** Thrown by a register bank to make the server answer with a Modbus exception. */
export class ModbusExceptionReply extends Error {
  /** modbus-serial's server reads this property to build the exception response. */
  readonly modbusErrorCode: number;
  constructor(exceptionCode: number, message: string) {
    super(message);
    this.name = 'ModbusExceptionReply';
    this.modbusErrorCode = exceptionCode;
  }
}
