import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpcuaClient } from '@doppel/bridge-opcua';
import {
  type Binding,
  type DevicePort,
  HilLoop,
  type HilModel,
  type LoopEvent,
  opcuaPort,
  modbusPort,
  opcuaSubscribedPort,
} from '@doppel/bridge-hil';
import { ModbusClient, parseModbusAddress } from '@doppel/bridge-modbus';
import { type PeerProcess, startPeer } from '@doppel/test-support';

// The loop against the demo PLC in its own process: the PLC's thermostat reads the temperature Doppel simulates and
// switches the heater Doppel's tank model reads back — a closed hardware-in-the-loop cycle at 100 Hz.
const plcScript = fileURLToPath(new URL('../../../../examples/process/demo-plc.mjs', import.meta.url));
const pki = mkdtempSync(join(tmpdir(), 'doppel-hil-'));
let plc: PeerProcess;
let client: OpcuaClient;

const startPlc = (port = 0): Promise<PeerProcess> =>
  startPeer(plcScript, ['--port', String(port), '--pki', join(pki, 'plc'), '--exit-with-stdin', '--scan-ms', '5']);

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** A fast tank: the heater adds 20 °C/s, losses pull towards 20 °C. */
function tankModel(): HilModel & { temperature: number; heaterSwitches: number } {
  let lastHeater: boolean | undefined;
  const model = {
    temperature: 20,
    heaterSwitches: 0,
    step(inputs: ReadonlyMap<string, number | boolean>, dt_s: number) {
      const heater = inputs.get('heater') === true;
      if (lastHeater !== undefined && heater !== lastHeater) model.heaterSwitches += 1;
      lastHeater = heater;
      model.temperature += ((heater ? 20 : 0) - 0.5 * (model.temperature - 20)) * dt_s;
      return { temperature: model.temperature };
    },
  };
  return model;
}

function bindings(inputPort?: DevicePort): Binding[] {
  const port = opcuaPort(client);
  return [
    {
      signal: 'heater',
      direction: 'input',
      port: inputPort ?? port,
      address: 'ns=1;s=Tank.HeaterOn',
      onLoss: { policy: 'hold' },
    },
    {
      signal: 'temperature',
      direction: 'output',
      port,
      address: 'ns=1;s=Tank.Temperature',
      deadband: 0.01,
      safeValue: 20,
    },
  ];
}

beforeAll(async () => {
  plc = await startPlc();
  client = await OpcuaClient.connect(String(plc.ready.endpointUrl), {
    pkiFolder: join(pki, 'client'),
    backoff: { initialMs: 100, maxMs: 500 },
  });
  await client.write('ns=1;s=Tank.LocalPlant', false);
  await client.write('ns=1;s=Tank.Setpoint', 40);
  await client.write('ns=1;s=Tank.Band', 2);
}, 60_000);
afterAll(async () => {
  await client?.close();
  await plc?.stop();
  rmSync(pki, { recursive: true, force: true });
});

describe('HIL loop against the demo PLC', () => {
  it('closes the thermostat loop through the PLC and leaves the device safe when stopped', async () => {
    const model = tankModel();
    const loop = new HilLoop({ periodMs: 10, bindings: bindings(), model });
    loop.start();
    // From 20 °C the simulated tank heats to the setpoint, then the PLC's hysteresis keeps it in its band.
    await until(() => model.heaterSwitches >= 3);
    expect(model.temperature).toBeGreaterThan(36);
    expect(model.temperature).toBeLessThan(44);
    const paused = loop.stats().cycles;
    loop.pause();
    const heldAt = (await client.read('ns=1;s=Tank.Temperature')).value;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(loop.stats().cycles - paused).toBeLessThanOrEqual(1);
    expect((await client.read('ns=1;s=Tank.Temperature')).value).toBe(heldAt); // pause holds the outputs
    loop.resume();
    await until(() => loop.stats().cycles > paused + 5);
    await loop.stop();
    expect(loop.state).toBe('stopped');
    expect((await client.read('ns=1;s=Tank.Temperature')).value).toBe(20); // the safe value
    const stats = loop.stats();
    expect(stats.writes).toBeGreaterThan(0);
    expect(stats.read_to_write_p50_ms).toBeGreaterThan(0);
  }, 90_000);

  it('closes the loop with inputs from monitored items instead of a read per cycle', async () => {
    const model = tankModel();
    const loop = new HilLoop({ periodMs: 10, bindings: bindings(opcuaSubscribedPort(client, 10)), model });
    loop.start();
    await until(() => model.heaterSwitches >= 3);
    await loop.stop();
    expect(model.temperature).toBeGreaterThan(36);
    expect(model.temperature).toBeLessThan(44);
  }, 90_000);

  it('holds the last input while the PLC is gone, reconnects when it comes back and writes its outputs again', async () => {
    const tank = tankModel();
    // Two outputs that never move: without a reconnection they would be written once, then skipped by the deadband.
    const model: HilModel = { step: (inputs, dt_s) => ({ ...tank.step(inputs, dt_s), setpoint: 45, local: false }) };
    const port = opcuaPort(client);
    const constants: Binding[] = [
      { signal: 'setpoint', direction: 'output', port, address: 'ns=1;s=Tank.Setpoint' },
      { signal: 'local', direction: 'output', port, address: 'ns=1;s=Tank.LocalPlant' },
    ];
    const loop = new HilLoop({ periodMs: 10, bindings: [...bindings(), ...constants], model });
    const events: LoopEvent[] = [];
    loop.onEvent((event) => events.push(event));
    loop.start();
    await until(() => loop.stats().writes > 5);
    expect((await client.read('ns=1;s=Tank.Setpoint')).value).toBe(45);
    expect(loop.stats().rewrites).toBe(0);
    const plcPort = Number(plc.ready.port);
    await plc.kill();
    await until(() => loop.bindingStates().get('heater') === 'lost');
    const cyclesWhileLost = loop.stats().cycles;
    await until(() => loop.stats().cycles > cyclesWhileLost + 20); // hold: the model keeps stepping
    // The PLC restarts with its defaults (setpoint 60 °C, its own plant on): the loop writes its outputs again.
    plc = await startPlc(plcPort);
    await until(() => client.connectionState === 'connected', 60_000);
    await until(() => loop.bindingStates().get('heater') === 'connected');
    await until(async () => (await client.read('ns=1;s=Tank.Setpoint')).value === 45);
    await until(async () => (await client.read('ns=1;s=Tank.LocalPlant')).value === false);
    await loop.stop();
    expect(loop.stats().rewrites).toBeGreaterThanOrEqual(2);
    const bindingEvents = events.filter((event) => event.type === 'binding' && event.signal === 'heater');
    expect(bindingEvents.map((event) => (event.type === 'binding' ? event.state : ''))).toEqual(['lost', 'connected']);
  }, 120_000);
});

describe('HIL loop against a Modbus device', () => {
  const deviceScript = fileURLToPath(new URL('../../modbus/test/modbus-peer.ts', import.meta.url));

  it('writes the outputs it holds again when the device restarts while the loop is paused', async () => {
    let device = await startPeer(deviceScript);
    const where = { host: '127.0.0.1', port: Number(device.ready.port) };
    const modbus = await ModbusClient.connect({ ...where, reconnectMs: 100 });
    const probe = async (address: string) => {
      const reader = await ModbusClient.connect(where);
      try {
        return await reader.read(parseModbusAddress(address));
      } finally {
        await reader.close();
      }
    };
    try {
      const port = modbusPort(modbus);
      const loop = new HilLoop({
        periodMs: 20,
        model: { step: (inputs) => ({ level: Number(inputs.get('inflow')) * 2, pump: true }) },
        bindings: [
          { signal: 'inflow', direction: 'input', port, address: 'ir:2:f32' },
          { signal: 'level', direction: 'output', port, address: 'hr:20:f32' },
          { signal: 'pump', direction: 'output', port, address: 'coil:3' },
        ],
      });
      loop.start();
      await until(async () => (await probe('hr:20:f32')) === 43);
      expect(await probe('coil:3')).toBe(true);
      loop.pause();
      // A power cut: the device comes back empty, and the paused loop puts back the outputs it holds.
      await device.kill();
      device = await startPeer(deviceScript, [String(where.port)]);
      await until(async () => (await probe('hr:20:f32')) === 43 && (await probe('coil:3')) === true);
      expect(loop.state).toBe('paused');
      expect(loop.stats().rewrites).toBe(2);
      await loop.stop();
    } finally {
      await modbus.close();
      await device.stop();
    }
  }, 120_000);
});
