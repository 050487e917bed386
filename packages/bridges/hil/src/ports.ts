import { type ModbusClient, parseModbusAddress, type ModbusAddress } from '@doppel/bridge-modbus';
import type { OpcuaClient } from '@doppel/bridge-opcua';
import type { DevicePort, SignalValue } from './binding.js';

/** An OPC UA server as a device port: reads must yield a number or a boolean. */
export function opcuaPort(client: OpcuaClient): DevicePort {
  return {
    read: async (address) => {
      const { value } = await client.read(address);
      if (typeof value === 'number' || typeof value === 'boolean') return value;
      throw new TypeError(`${address} holds ${JSON.stringify(value)}, not a number or a boolean`);
    },
    write: (address, value) => client.write(address, value),
  };
}

/** A Modbus device as a device port; addresses are parsed once and remembered. */
export function modbusPort(client: ModbusClient): DevicePort {
  const parsed = new Map<string, ModbusAddress>();
  const at = (text: string): ModbusAddress => {
    let address = parsed.get(text);
    if (!address) parsed.set(text, (address = parseModbusAddress(text)));
    return address;
  };
  return {
    read: (address): Promise<SignalValue> => client.read(at(address)),
    write: (address, value) => client.write(at(address), value),
  };
}
