import modbusSerial from 'modbus-serial';
import type { ModbusRTU } from 'modbus-serial/ModbusRTU.js';
import { type ModbusAddress, formatModbusAddress, isWritable, registerCount } from './address.js';
import { decodeRegisters, encodeRegisters } from './codec.js';
import { ModbusError, ModbusErrorCode, exceptionName } from './errors.js';

// modbus-serial is CommonJS whose module.exports is the client class; its typings describe that as a default export,
// which NodeNext reads as the namespace. The class is the runtime value either way.
const ModbusRTUClass = modbusSerial as unknown as new () => ModbusRTU;

export interface ModbusClientOptions {
  readonly host: string;
  readonly port: number;
  /** Unit id (slave id) sent with every request unless a call names another; 1 by default. */
  readonly unitId?: number;
  /** How long a connect or a request may take before it fails with DOPPEL_ERR_MODBUS_CONNECTION; 2,000 ms by default. */
  readonly timeoutMs?: number;
  /**
   * When set, a connection the device closed (it restarted, the cable was pulled) is opened again in the background,
   * trying every `reconnectMs` until it answers; requests made meanwhile fail at once with
   * DOPPEL_ERR_MODBUS_CONNECTION. Off by default: a closed connection stays closed.
   */
  readonly reconnectMs?: number;
}

/** One of the four reads: a list of booleans for coils and discrete inputs, of 16-bit words for registers. */
export type ModbusValue = number | boolean;

/**
 * A Modbus TCP client. Requests go one at a time (a PLC's TCP stack is often single-threaded and the unit id is part of
 * each request), each with its own unit id; every failure is a typed `ModbusError`.
 */
export class ModbusClient {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly reconnectListeners = new Set<() => void>();

  private constructor(
    private rtu: ModbusRTU,
    private readonly options: ModbusClientOptions,
    private readonly where: string,
  ) {
    this.watch(rtu);
  }

  static async connect(options: ModbusClientOptions): Promise<ModbusClient> {
    const where = `modbus://${options.host}:${options.port}`;
    return new ModbusClient(await open(options, where), options, where);
  }

  get isOpen(): boolean {
    return !this.closed && this.rtu.isOpen;
  }

  /**
   * Calls `listener` each time a closed connection has been opened again (with `reconnectMs`). The device may have
   * restarted and lost what it was told, so this is the moment to write outputs again. Returns the unsubscribe function.
   */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** FC 1. */
  readCoils(offset: number, count: number, unitId?: number): Promise<boolean[]> {
    return this.request(`read coils ${offset}+${count}`, unitId, async () =>
      (await this.rtu.readCoils(offset, count)).data.slice(0, count),
    );
  }
  /** FC 2. */
  readDiscreteInputs(offset: number, count: number, unitId?: number): Promise<boolean[]> {
    return this.request(`read discrete inputs ${offset}+${count}`, unitId, async () =>
      (await this.rtu.readDiscreteInputs(offset, count)).data.slice(0, count),
    );
  }
  /** FC 3. */
  readHoldingRegisters(offset: number, count: number, unitId?: number): Promise<number[]> {
    return this.request(`read holding registers ${offset}+${count}`, unitId, async () =>
      (await this.rtu.readHoldingRegisters(offset, count)).data.slice(0, count),
    );
  }
  /** FC 4. */
  readInputRegisters(offset: number, count: number, unitId?: number): Promise<number[]> {
    return this.request(`read input registers ${offset}+${count}`, unitId, async () =>
      (await this.rtu.readInputRegisters(offset, count)).data.slice(0, count),
    );
  }
  /** FC 5. */
  writeCoil(offset: number, value: boolean, unitId?: number): Promise<void> {
    return this.request(`write coil ${offset}`, unitId, async () => {
      await this.rtu.writeCoil(offset, value);
    });
  }
  /** FC 6. */
  writeRegister(offset: number, value: number, unitId?: number): Promise<void> {
    return this.request(`write register ${offset}`, unitId, async () => {
      await this.rtu.writeRegister(offset, value);
    });
  }
  /** FC 15. */
  writeCoils(offset: number, values: readonly boolean[], unitId?: number): Promise<void> {
    return this.request(`write coils ${offset}+${values.length}`, unitId, async () => {
      await this.rtu.writeCoils(offset, [...values]);
    });
  }
  /** FC 16. */
  writeRegisters(offset: number, values: readonly number[], unitId?: number): Promise<void> {
    return this.request(`write registers ${offset}+${values.length}`, unitId, async () => {
      await this.rtu.writeRegisters(offset, [...values]);
    });
  }

  /** Reads one typed value: a boolean from a coil or discrete input, a scaled number from registers. */
  async read(address: ModbusAddress, unitId?: number): Promise<ModbusValue> {
    switch (address.table) {
      case 'coil':
        return (await this.readCoils(address.offset, 1, unitId))[0] === true;
      case 'di':
        return (await this.readDiscreteInputs(address.offset, 1, unitId))[0] === true;
      case 'hr':
        return decodeRegisters(
          await this.readHoldingRegisters(address.offset, registerCount(address.type ?? 'u16'), unitId),
          address,
        );
      case 'ir':
        return decodeRegisters(
          await this.readInputRegisters(address.offset, registerCount(address.type ?? 'u16'), unitId),
          address,
        );
    }
  }

  /**
   * Writes one typed value: FC 5 to a coil, FC 6 to a 16-bit register, FC 16 to a 32-bit pair (both words in one
   * request, so the device never sees half a value). Discrete inputs and input registers are read-only.
   */
  async write(address: ModbusAddress, value: ModbusValue, unitId?: number): Promise<void> {
    const where = `${this.where} ${formatModbusAddress(address)}`;
    if (!isWritable(address.table)) {
      throw new ModbusError(ModbusErrorCode.Address, `${where}: ${address.table} is read-only`, {
        expected: 'coil or hr',
        actual: address.table,
      });
    }
    if (address.table === 'coil') {
      if (typeof value !== 'boolean') {
        throw new ModbusError(ModbusErrorCode.Value, `${where}: expected a boolean, got ${JSON.stringify(value)}`, {
          expected: 'boolean',
          actual: value,
        });
      }
      return this.writeCoil(address.offset, value, unitId);
    }
    if (typeof value !== 'number') {
      throw new ModbusError(ModbusErrorCode.Value, `${where}: expected a number, got ${JSON.stringify(value)}`, {
        expected: 'number',
        actual: value,
      });
    }
    const words = encodeRegisters(value, address, where);
    if (words.length === 1) return this.writeRegister(address.offset, words[0] ?? 0, unitId);
    return this.writeRegisters(address.offset, words, unitId);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    await this.queue.catch(() => undefined);
    // modbus-serial never calls back when the socket is already gone.
    if (this.rtu.isOpen) await new Promise<void>((resolve) => this.rtu.close(() => resolve()));
  }

  private request<T>(what: string, unitId: number | undefined, run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      if (this.closed || !this.rtu.isOpen) {
        // A connection can end without its close event reaching us (a write to a socket already reset): the
        // attempts to open it again start from here too.
        this.scheduleReconnect();
        throw new ModbusError(ModbusErrorCode.Connection, `${this.where}: ${what}: the connection is closed`);
      }
      this.rtu.setID(unitId ?? this.options.unitId ?? 1);
      try {
        return await run();
      } catch (error) {
        const failure = toModbusError(error, `${this.where}: ${what}`);
        if (failure.code === ModbusErrorCode.Connection) this.scheduleReconnect();
        throw failure;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** With `reconnectMs`, the connection's end (not one we asked for) starts the attempts to open it again. */
  private watch(rtu: ModbusRTU): void {
    if (this.options.reconnectMs === undefined) return;
    rtu.on('close', () => {
      if (rtu === this.rtu) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const every = this.options.reconnectMs;
    if (every === undefined || this.closed || this.reconnectTimer !== undefined) return;
    this.reconnectTimer = setTimeout(() => {
      void open(this.options, this.where).then(
        (fresh) => {
          this.reconnectTimer = undefined;
          if (this.closed) return fresh.close(() => undefined);
          // Requests queue one at a time, so none is in flight on the old connection when it is swapped.
          this.queue = this.queue.then(() => {
            const stale = this.rtu;
            this.rtu = fresh;
            if (stale.isOpen) stale.close(() => undefined);
            this.watch(fresh);
            for (const listener of this.reconnectListeners) listener();
          });
        },
        () => {
          this.reconnectTimer = undefined;
          this.scheduleReconnect();
        },
      );
    }, every);
    // A device that never comes back must not keep the process alive.
    this.reconnectTimer.unref();
  }
}

async function open(options: ModbusClientOptions, where: string): Promise<ModbusRTU> {
  const rtu = new ModbusRTUClass();
  const timeoutMs = options.timeoutMs ?? 2_000;
  let timer: NodeJS.Timeout | undefined;
  // modbus-serial's own connect timeout does not cover every case: a connection the device accepts while it is still
  // starting can leave connectTCP pending for ever, which would stop the reconnect attempts behind it.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([rtu.connectTCP(options.host, { port: options.port, timeout: timeoutMs }), deadline]);
  } catch (error) {
    rtu.close(() => undefined);
    throw toModbusError(error, `connect to ${where}`);
  } finally {
    clearTimeout(timer);
  }
  rtu.setTimeout(timeoutMs);
  return rtu;
}

function toModbusError(error: unknown, where: string): ModbusError {
  if (error instanceof ModbusError) return error;
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    modbusCode?: unknown;
    errno?: unknown;
    code?: unknown;
    message?: unknown;
  };
  if (typeof fields.modbusCode === 'number') {
    const name = exceptionName(fields.modbusCode);
    return new ModbusError(
      ModbusErrorCode.Exception,
      `${where}: the device answered exception ${fields.modbusCode} (${name})`,
      { exception: name },
      fields.modbusCode,
    );
  }
  const reason = [fields.code, fields.errno, fields.message].find((part) => typeof part === 'string') ?? String(error);
  return new ModbusError(ModbusErrorCode.Connection, `${where}: ${reason}`, { reason });
}
