import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ModbusClient,
  ModbusError,
  ModbusErrorCode,
  ModbusException,
  parseModbusAddress,
  type ModbusAddress,
} from '@doppel/bridge-modbus';
import { type PeerProcess, startPeer } from '@doppel/test-support';

const peerScript = fileURLToPath(new URL('./modbus-peer.ts', import.meta.url));
let peer: PeerProcess;
let client: ModbusClient;
const at = (text: string, scale?: number, offset?: number): ModbusAddress =>
  parseModbusAddress(text, { scale, offset });

async function refusal(promise: Promise<unknown>): Promise<ModbusError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModbusError);
  return error as ModbusError;
}

beforeAll(async () => {
  peer = await startPeer(peerScript);
  client = await ModbusClient.connect({ host: '127.0.0.1', port: Number(peer.ready.port) });
});
afterAll(async () => {
  await client?.close();
  await peer?.stop();
});

describe('Modbus TCP against a device in its own process', () => {
  it('reads and writes every table with FC 1–6, 15 and 16', async () => {
    await client.writeCoil(5, true); // FC 5
    expect(await client.readCoils(4, 3)).toEqual([false, true, false]); // FC 1
    await client.writeCoils(10, [true, false, true, true]); // FC 15
    expect(await client.readCoils(10, 4)).toEqual([true, false, true, true]);
    expect(await client.readDiscreteInputs(2, 3)).toEqual([false, true, false]); // FC 2
    await client.writeRegister(20, 0xbeef); // FC 6
    await client.writeRegisters(21, [1, 2, 3]); // FC 16
    expect(await client.readHoldingRegisters(20, 4)).toEqual([0xbeef, 1, 2, 3]); // FC 3
    expect((await client.readInputRegisters(0, 1))[0]).toBe(0x10000 - 1234); // FC 4
  });

  it('decodes typed values with their stated word order', async () => {
    expect(await client.read(at('ir:0:i16'))).toBe(-1234);
    expect(await client.read(at('ir:2:f32'))).toBe(21.5);
    expect(await client.read(at('ir:4:f32:le'))).toBe(-3.25);
    expect(await client.read(at('ir:6:u32'))).toBe(4_000_000_000);
    expect(await client.read(at('ir:8:i32:le'))).toBe(-70_000);
    // The same two registers read with the other word order give another number: the order is really applied.
    expect(await client.read(at('ir:4:f32'))).not.toBe(-3.25);
    expect(await client.read(at('di:3'))).toBe(true);
  });

  it('writes typed values and reads them back, with scale and offset', async () => {
    for (const [text, value] of [
      ['hr:30:i16', -32768],
      ['hr:31:u16', 65535],
      ['hr:32:i32', -2_000_000_000],
      ['hr:34:u32:le', 3_000_000_000],
      ['hr:36:f32', 1.5],
      ['hr:38:f32:le', -1e-3],
    ] as const) {
      await client.write(at(text), value);
      expect(await client.read(at(text))).toBeCloseTo(value, 6);
    }
    // 0.1 °C per count with a −40 °C offset: 21.3 °C is stored as 613.
    const temperature = at('hr:40:i16', 0.1, -40);
    await client.write(temperature, 21.3);
    expect(await client.readHoldingRegisters(40, 1)).toEqual([613]);
    expect(await client.read(temperature)).toBeCloseTo(21.3, 9);
    await client.write(at('coil:1'), true);
    expect(await client.read(at('coil:1'))).toBe(true);
  });

  it('surfaces Modbus exceptions as typed errors carrying the exception code', async () => {
    const outside = await refusal(client.readHoldingRegisters(199, 2));
    expect(outside.code).toBe(ModbusErrorCode.Exception);
    expect(outside.exceptionCode).toBe(ModbusException.IllegalDataAddress);
    const tooBig = await refusal(client.writeRegister(100, 60_000));
    expect(tooBig.exceptionCode).toBe(ModbusException.IllegalDataValue);
    expect(tooBig.details).toEqual({ exception: 'ILLEGAL_DATA_VALUE' });
    expect(await client.readHoldingRegisters(100, 1)).toEqual([0]); // the refused write changed nothing
    await client.writeRegister(100, 50_000);
    expect(await client.readHoldingRegisters(100, 1)).toEqual([50_000]);
  });

  it('addresses units by id', async () => {
    expect(await client.readHoldingRegisters(0, 1, 7)).toEqual([7]);
    expect(await client.readHoldingRegisters(0, 1, 1)).not.toEqual([7]);
    const absent = await refusal(client.readHoldingRegisters(0, 1, 9));
    expect(absent.exceptionCode).toBe(ModbusException.GatewayTargetFailedToRespond);
  });

  it('refuses values the type cannot hold before sending anything', async () => {
    expect((await refusal(client.write(at('hr:50:u16'), 70_000))).code).toBe(ModbusErrorCode.Value);
    expect((await refusal(client.write(at('hr:50:i16'), Number.NaN))).code).toBe(ModbusErrorCode.Value);
    expect((await refusal(client.write(at('ir:0'), 1))).code).toBe(ModbusErrorCode.Address);
    expect((await refusal(client.write(at('coil:0'), 1))).code).toBe(ModbusErrorCode.Value);
  });

  it('fails with a connection error when the device disappears, and reconnects when it comes back', async () => {
    const port = Number(peer.ready.port);
    await peer.stop();
    const lost = await refusal(client.readHoldingRegisters(0, 1));
    expect(lost.code).toBe(ModbusErrorCode.Connection);
    peer = await startPeer(peerScript, [String(port)]);
    await client.close();
    client = await ModbusClient.connect({ host: '127.0.0.1', port });
    expect(await client.read(at('ir:2:f32'))).toBe(21.5);
  });

  it('opens a connection again by itself when asked to, and says so', async () => {
    const port = Number(peer.ready.port);
    const reconnecting = await ModbusClient.connect({ host: '127.0.0.1', port, reconnectMs: 100 });
    let reconnections = 0;
    reconnecting.onReconnect(() => (reconnections += 1));
    try {
      await peer.kill();
      // While the device is away, requests fail at once instead of waiting for it.
      const lost = await refusal(reconnecting.readHoldingRegisters(0, 1));
      expect(lost.code).toBe(ModbusErrorCode.Connection);
      peer = await startPeer(peerScript, [String(port)]);
      const deadline = Date.now() + 10_000;
      while (reconnections === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(reconnections).toBe(1);
      expect(await reconnecting.read(at('ir:2:f32'))).toBe(21.5);
    } finally {
      await reconnecting.close();
    }
  });

  it('reports a refused connection as a connection error', async () => {
    const error = await refusal(ModbusClient.connect({ host: '127.0.0.1', port: 1, timeoutMs: 500 }));
    expect(error.code).toBe(ModbusErrorCode.Connection);
  });
});
