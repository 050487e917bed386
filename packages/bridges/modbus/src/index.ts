export {
  type ModbusAddress,
  type ModbusTable,
  type RegisterType,
  type WordOrder,
  type AddressOptions,
  parseModbusAddress,
  formatModbusAddress,
  isWritable,
  registerCount,
} from './address.js';
export { decodeRegisters, encodeRegisters } from './codec.js';
export { ModbusClient, type ModbusClientOptions, type ModbusValue } from './client.js';
export { ModbusServer, type ModbusServerOptions } from './server.js';
export { RegisterBank, type RegisterBankSize, type WriteGuard } from './register-bank.js';
export { ModbusError, ModbusErrorCode, ModbusException, ModbusExceptionReply, exceptionName } from './errors.js';
export { parseModbusUrl, type ModbusEndpoint } from './url.js';
