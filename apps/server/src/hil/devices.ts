import { join } from 'node:path';
import type { DevicePort, SignalValue } from '@doppel/bridge-hil';
import type { ModelBindingInput } from '@doppel/twin/contracts';
import { ServerError, ServerErrorCode, type ProblemIssue } from '../errors.js';
import { protocolOf } from './binding-check.js';

/** The devices of a model's bindings, one connection per endpoint, and a device port per binding. */
export interface Devices {
  portOf(binding: ModelBindingInput): DevicePort;
  close(): Promise<void>;
}

interface Connection {
  port(binding: ModelBindingInput): DevicePort;
  close(): Promise<void>;
}

/** A Modbus connection the device closed is tried again this often. */
const MODBUS_RECONNECT_MS = 500;

/**
 * Opens one connection per distinct endpoint of the bindings. The protocol libraries load here, on the first
 * hardware-in-the-loop start, not with the server (node-opcua is slow to load and talks on stdout as it does). A device
 * that cannot be reached refuses the start (409, every unreachable endpoint named at its bindings), with whatever did
 * connect closed again.
 */
export async function connectDevices(
  bindings: readonly { readonly id: string; readonly binding: ModelBindingInput }[],
  dataDir: string,
): Promise<Devices> {
  const endpoints = [...new Set(bindings.map((b) => b.binding.endpoint))];
  const opened = await Promise.allSettled(endpoints.map((endpoint) => open(endpoint, bindings, dataDir)));
  const connections = new Map<string, Connection>();
  const issues: ProblemIssue[] = [];
  opened.forEach((result, i) => {
    const endpoint = endpoints[i] as string;
    if (result.status === 'fulfilled') connections.set(endpoint, result.value);
    else {
      for (const b of bindings.filter((x) => x.binding.endpoint === endpoint)) {
        issues.push({
          path: `bindings.${b.id}.endpoint`,
          message: result.reason instanceof Error ? result.reason.message : String(result.reason),
          found: endpoint,
        });
      }
    }
  });
  const close = async () => {
    await Promise.all([...connections.values()].map((c) => c.close().catch(() => undefined)));
  };
  if (issues.length > 0) {
    await close();
    throw new ServerError(
      ServerErrorCode.DeviceUnreachable,
      `Cannot reach ${issues.length === 1 ? 'a device' : 'devices'} of the model's bindings: ${issues[0]?.message ?? ''}`,
      { issues },
    );
  }
  return {
    portOf: (binding) => {
      const connection = connections.get(binding.endpoint);
      if (connection === undefined) throw new Error(`no connection to ${binding.endpoint}`);
      return connection.port(binding);
    },
    close,
  };
}

async function open(
  endpoint: string,
  bindings: readonly { readonly binding: ModelBindingInput }[],
  dataDir: string,
): Promise<Connection> {
  const protocol = protocolOf(endpoint);
  if (protocol === 'opcua') {
    const { OpcuaClient } = await import('@doppel/bridge-opcua');
    const { opcuaPort } = await import('@doppel/bridge-hil');
    const client = await OpcuaClient.connect(endpoint, {
      pkiFolder: join(dataDir, 'opcua-client'),
      requestTimeoutMs: 1_000,
      backoff: { initialMs: 250, maxMs: 2_000 },
    });
    const port = opcuaPort(client);
    return { port: () => port, close: () => client.close() };
  }
  if (protocol === 'modbus') {
    const { ModbusClient, parseModbusAddress, parseModbusUrl } = await import('@doppel/bridge-modbus');
    const client = await ModbusClient.connect({
      ...parseModbusUrl(endpoint),
      timeoutMs: 1_000,
      reconnectMs: MODBUS_RECONNECT_MS,
    });
    return {
      port: (binding) => {
        const address = parseModbusAddress(binding.address);
        return {
          read: () => client.read(address),
          // A model's signals are numbers: a coil takes one as on when it is not zero.
          write: (_, value) =>
            client.write(address, address.table === 'coil' && typeof value === 'number' ? value !== 0 : value),
          onReconnect: (listener) => client.onReconnect(listener),
        };
      },
      close: () => client.close(),
    };
  }
  if (protocol === 'mqtt') {
    const { MqttPoints } = await import('@doppel/bridge-mqtt');
    const points = await MqttPoints.connect(endpoint);
    for (const { binding } of bindings) {
      if (binding.endpoint === endpoint && binding.direction === 'input') {
        await points.watch(binding.address, binding.jsonPath);
      }
    }
    return {
      port: (binding) => ({
        read: async (): Promise<SignalValue> => points.read(binding.address, binding.jsonPath),
        write: (_, value) => points.write(binding.address, binding.jsonPath, value),
      }),
      close: () => points.close(),
    };
  }
  throw new Error(`${endpoint}: unknown protocol`);
}
