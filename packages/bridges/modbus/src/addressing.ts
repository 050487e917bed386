// Modbus addresses and URLs as text, without the protocol library: a server validating bindings imports this subpath.
export {
  type ModbusAddress,
  type ModbusTable,
  type RegisterType,
  parseModbusAddress,
  formatModbusAddress,
  isWritable,
} from './address.js';
export { parseModbusUrl, type ModbusEndpoint } from './url.js';
export { ModbusError, ModbusErrorCode } from './errors.js';
