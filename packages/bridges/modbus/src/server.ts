import { createServer } from 'node:net';
import { ServerTCP } from 'modbus-serial';
import { ModbusError, ModbusErrorCode, ModbusException, ModbusExceptionReply } from './errors.js';
import type { RegisterBank } from './register-bank.js';

export interface ModbusServerOptions {
  readonly host?: string;
  /** 0 (the default) picks a free port; read it back from `port`. */
  readonly port?: number;
  /** The units this server answers for, by unit id. A request for another unit answers GATEWAY_TARGET_FAILED_TO_RESPOND. */
  readonly units: ReadonlyMap<number, RegisterBank>;
}

/** A Modbus TCP server (device side) over register banks: FC 1–6, 15 and 16. */
export class ModbusServer {
  private constructor(
    private readonly server: ServerTCP,
    readonly host: string,
    readonly port: number,
  ) {}

  static async start(options: ModbusServerOptions): Promise<ModbusServer> {
    const host = options.host ?? '127.0.0.1';
    // modbus-serial treats port 0 as "use 502", so a free port is found first; a race with another process taking it
    // in between is retried.
    for (let attempt = 0; ; attempt += 1) {
      const port = options.port && options.port > 0 ? options.port : await freePort(host);
      try {
        const server = await listen(vectorOf(options.units), host, port);
        return new ModbusServer(server, host, port);
      } catch (error) {
        const busy = (error as { code?: unknown }).code === 'EADDRINUSE';
        if (!busy || (options.port ?? 0) > 0 || attempt >= 5) {
          throw new ModbusError(ModbusErrorCode.Connection, `cannot listen on ${host}:${port}: ${String(error)}`);
        }
      }
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function listen(vector: object, host: string, port: number): Promise<ServerTCP> {
  return new Promise((resolve, reject) => {
    const server = new ServerTCP(vector as ConstructorParameters<typeof ServerTCP>[0], { host, port, unitID: 255 });
    server.once('initialized', () => resolve(server));
    server.once('serverError', (error: Error) => {
      server.close(() => undefined);
      reject(error);
    });
    // A client that resets its socket is the client's problem, never the server's death.
    server.on('socketError', () => undefined);
    server.on('error', () => undefined);
  });
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** modbus-serial's vector interface (synchronous forms; a thrown `modbusErrorCode` becomes the exception reply). */
function vectorOf(units: ReadonlyMap<number, RegisterBank>) {
  const unit = (id: number): RegisterBank => {
    const bank = units.get(id);
    if (!bank) {
      throw new ModbusExceptionReply(ModbusException.GatewayTargetFailedToRespond, `no unit ${id}`);
    }
    return bank;
  };
  return {
    getCoil: (offset: number, id: number) => unit(id).readBit('coil', offset),
    getDiscreteInput: (offset: number, id: number) => unit(id).readBit('di', offset),
    getMultipleHoldingRegisters: (offset: number, count: number, id: number) => unit(id).readWords('hr', offset, count),
    getMultipleInputRegisters: (offset: number, count: number, id: number) => unit(id).readWords('ir', offset, count),
    // The single-register forms are required by modbus-serial's type even though the multiple forms take precedence.
    getHoldingRegister: (offset: number, id: number) => unit(id).readWords('hr', offset, 1)[0],
    getInputRegister: (offset: number, id: number) => unit(id).readWords('ir', offset, 1)[0],
    setCoil: (offset: number, value: boolean, id: number) => unit(id).writeCoils(offset, [value]),
    setRegister: (offset: number, value: number, id: number) => unit(id).writeWords(offset, [value]),
    setRegisterArray: (offset: number, values: number[], id: number) => unit(id).writeWords(offset, values),
  };
}
