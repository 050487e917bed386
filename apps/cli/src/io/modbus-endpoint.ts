import {
  ModbusClient,
  ModbusError,
  type ModbusTable,
  exceptionName,
  formatModbusAddress,
  parseModbusAddress,
  parseModbusUrl,
} from '@doppel/bridge-modbus';
import { UserError } from '../user-error.js';
import type { IoBrowseLine, IoEndpoint, IoReading } from './endpoint.js';

const tableNames: Record<ModbusTable, string> = {
  coil: 'coils',
  di: 'discrete inputs',
  hr: 'holding registers',
  ir: 'input registers',
};

export async function openModbus(url: string, timeoutMs: number): Promise<IoEndpoint> {
  const endpoint = parseModbusUrl(url);
  const client = await ModbusClient.connect({ ...endpoint, timeoutMs });
  const read = async (text: string): Promise<IoReading> => {
    const address = parseModbusAddress(text);
    const value = await client.read(address);
    return { value, status: 'Good', dataType: address.type ?? 'bool' };
  };
  return {
    // Modbus has no address space to discover: browsing shows the first registers of each table, the way a
    // commissioning engineer probes a device. A table the device refuses shows the exception instead.
    browse: async (depth) => {
      const count = Math.min(Math.max(depth, 1) * 8, 125);
      const lines: IoBrowseLine[] = [];
      for (const table of ['coil', 'di', 'hr', 'ir'] as const) {
        try {
          const values =
            table === 'coil'
              ? await client.readCoils(0, count)
              : table === 'di'
                ? await client.readDiscreteInputs(0, count)
                : table === 'hr'
                  ? await client.readHoldingRegisters(0, count)
                  : await client.readInputRegisters(0, count);
          lines.push({ depth: 0, address: `${table}:0`, name: tableNames[table], kind: 'table' });
          values.forEach((value, offset) =>
            lines.push({ depth: 1, address: `${table}:${offset}`, name: `${table}:${offset}`, kind: 'value', value }),
          );
        } catch (error) {
          if (!(error instanceof ModbusError) || error.exceptionCode === undefined) throw error;
          lines.push({
            depth: 0,
            address: `${table}:0`,
            name: tableNames[table],
            kind: 'table',
            note: exceptionName(error.exceptionCode),
          });
        }
      }
      return lines;
    },
    read,
    write: async (text, valueText) => {
      const address = parseModbusAddress(text);
      if (address.table === 'coil') {
        const value = /^(true|1|on)$/i.test(valueText) ? true : /^(false|0|off)$/i.test(valueText) ? false : null;
        if (value === null) {
          throw new UserError(`${formatModbusAddress(address)}: expected true or false, got "${valueText}"`);
        }
        return client.write(address, value);
      }
      const value = valueText.trim() === '' ? NaN : Number(valueText);
      return client.write(address, value);
    },
    // Modbus has no subscriptions: watching polls and reports changes.
    watch: async (text, intervalMs, onReading, onError) => {
      let last: string | undefined;
      let stopped = false;
      const poll = async (): Promise<void> => {
        while (!stopped) {
          try {
            const reading = await read(text);
            const key = JSON.stringify(reading.value);
            if (key !== last) onReading(reading);
            last = key;
          } catch (error) {
            stopped = true;
            onError(error);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, intervalMs));
        }
      };
      const running = poll();
      return async () => {
        stopped = true;
        await running;
      };
    },
    close: () => client.close(),
  };
}
