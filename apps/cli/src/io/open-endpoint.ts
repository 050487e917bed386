import { ModbusError, ModbusErrorCode } from '@doppel/bridge-modbus';
import { OpcuaError, OpcuaErrorCode, routeOpcuaLogs } from '@doppel/bridge-opcua';
import { UserError } from '../user-error.js';
import type { IoEndpoint } from './endpoint.js';
import { openModbus } from './modbus-endpoint.js';
import { openOpcua } from './opcua-endpoint.js';

/** Opens the device behind `url`, runs `run` against it, closes it; errors become user errors with the io exit codes. */
export async function withEndpoint(
  url: string,
  options: { readonly dataDir: string; readonly timeoutMs: number },
  run: (endpoint: IoEndpoint) => Promise<void>,
): Promise<void> {
  const { dataDir, timeoutMs } = options;
  // The OPC UA stack's warnings would mix with the output (and break --json): they go to stderr when debugging.
  routeOpcuaLogs((line) => {
    if (process.env.DOPPEL_DEBUG) process.stderr.write(`${line}\n`);
  });
  let endpoint: IoEndpoint;
  try {
    if (url.startsWith('opc.tcp://')) endpoint = await openOpcua(url, dataDir, timeoutMs);
    else if (url.startsWith('modbus://')) endpoint = await openModbus(url, timeoutMs);
    else throw new UserError(`URL "${url}": expected opc.tcp://host:port or modbus://host:port[?unit=N]`);
  } catch (error) {
    throw asUserError(error);
  }
  try {
    await run(endpoint);
  } catch (error) {
    throw asUserError(error);
  } finally {
    await endpoint.close().catch(() => undefined);
  }
}

/** Refusals by the device exit 1; anything about the connection or the arguments exits 2. */
function asUserError(error: unknown): unknown {
  if (error instanceof OpcuaError) {
    const refused = error.code === OpcuaErrorCode.Status;
    // node-opcua's connection messages span several lines; the first says it.
    return new UserError(`${error.message.split('\n')[0]} [${error.code}]`, refused ? 1 : 2);
  }
  if (error instanceof ModbusError) {
    return new UserError(`${error.message} [${error.code}]`, error.code === ModbusErrorCode.Exception ? 1 : 2);
  }
  return error;
}
