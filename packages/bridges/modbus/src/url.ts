import { ModbusError, ModbusErrorCode } from './errors.js';

export interface ModbusEndpoint {
  readonly host: string;
  readonly port: number;
  readonly unitId: number;
}

/** Parses `modbus://host[:port][?unit=N]` (port 502 and unit 1 by default). */
export function parseModbusUrl(text: string): ModbusEndpoint {
  const fail = (expected: string): never => {
    throw new ModbusError(ModbusErrorCode.Address, `Modbus URL "${text}": expected ${expected}`, {
      expected,
      actual: text,
    });
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('modbus://host:port[?unit=N]');
  }
  if (url.protocol !== 'modbus:') fail('the scheme modbus://');
  if (url.hostname === '') fail('a host');
  const port = url.port === '' ? 502 : Number(url.port);
  const unitText = url.searchParams.get('unit');
  if (unitText !== null && !/^\d{1,3}$/.test(unitText)) fail('unit=N with N from 0 to 255');
  const unitId = unitText === null ? 1 : Number(unitText);
  if (unitId > 255) fail('unit=N with N from 0 to 255');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { host, port, unitId };
}
