import { type ModbusClient, parseModbusAddress, type ModbusAddress } from '@doppel/bridge-modbus';
import { type OpcuaClient, OpcuaError, OpcuaErrorCode } from '@doppel/bridge-opcua';
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
    onReconnect: (listener) => opcuaReconnected(client, listener),
  };
}

/** Calls `listener` when the client's connection comes back after being lost (the server may have restarted). */
function opcuaReconnected(client: OpcuaClient, listener: () => void): () => void {
  // The client reports 'connected' only as a change, which after the first connection means "again".
  return client.onConnectionState((state) => {
    if (state === 'connected') listener();
  });
}

/**
 * An OPC UA server as a device port whose reads come from monitored items: the first read of an address subscribes
 * to it (sampling every `samplingMs`), later reads return the last value the server reported, so a cycle spends no
 * round trip on its inputs. While the connection is down, reads fail, and the bindings' loss policies apply.
 */
export function opcuaSubscribedPort(client: OpcuaClient, samplingMs: number): DevicePort {
  const latest = new Map<string, Promise<{ value: SignalValue | undefined }>>();
  const plain = opcuaPort(client);
  return {
    read: async (address) => {
      if (client.connectionState !== 'connected') {
        throw new OpcuaError(OpcuaErrorCode.Connection, `${client.endpointUrl}: ${address}: the connection is down`);
      }
      let slot = latest.get(address);
      if (!slot) {
        const cell: { value: SignalValue | undefined } = { value: await plain.read(address) };
        slot = client
          .subscribe(address, samplingMs, (result) => {
            if (typeof result.value === 'number' || typeof result.value === 'boolean') cell.value = result.value;
          })
          .then(() => cell);
        latest.set(address, slot);
        slot.catch(() => latest.delete(address));
      }
      const { value } = await slot;
      if (value === undefined) throw new TypeError(`${address} has reported no number or boolean yet`);
      return value;
    },
    write: plain.write,
    onReconnect: plain.onReconnect,
  };
}

/**
 * A Modbus device as a device port; addresses are parsed once and remembered. Outputs are written again after a
 * reconnection of a client connected with `reconnectMs`.
 */
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
    onReconnect: (listener) => client.onReconnect(listener),
  };
}
