import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { DoppelApiError, type DoppelClient } from '@doppel/client';
import { ModbusClient, parseModbusAddress } from '@doppel/bridge-modbus';
import { OpcuaClient } from '@doppel/bridge-opcua';
import { type PeerProcess, serviceAvailable, startPeer } from '@doppel/test-support';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './cli-helpers.js';
import { startTestServer, type TestServer } from './server-helpers.js';

// Hardware in the loop through the real HTTP server: the demo PLC (OPC UA) and a Modbus device each in their own
// process. The PLC's own plant is switched off, so its tank sensors are what Doppel's simulated tank writes: the
// setpoint comes from the PLC, the simulated temperature goes back to it and to a Modbus register.
const modbusPeer = join(repoRoot, 'packages/bridges/modbus/test/modbus-peer.ts');
const demoPlc = join(repoRoot, 'examples/process/demo-plc.mjs');
const mosquitto = await serviceAvailable('Mosquitto', 1883, 'the MQTT bindings of the hardware-in-the-loop test');

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not happen in ${timeoutMs} ms${last === undefined ? '' : `: ${String(last)}`}`);
}

describe('hardware in the loop: a model with a PLC over OPC UA and a Modbus device', { timeout: 300_000 }, () => {
  let server: TestServer;
  let client: DoppelClient;
  let plc: PeerProcess;
  let externalPlantPlc: PeerProcess;
  let device: PeerProcess;
  let key: string;
  let plcClient: OpcuaClient;
  let pki: string;
  let modbusPort: number;

  beforeAll(async () => {
    pki = mkdtempSync(join(tmpdir(), 'doppel-hil-'));
    [plc, externalPlantPlc, device, server] = await Promise.all([
      startPeer(demoPlc, ['--port', '0', '--pki', pki, '--exit-with-stdin'], { readyTimeoutMs: 120_000 }),
      // The PLC as the example's docs start it: its tank's sensors come from the simulation.
      startPeer(demoPlc, ['--port', '0', '--pki', join(pki, 'external'), '--external-plant', '--exit-with-stdin'], {
        readyTimeoutMs: 120_000,
      }),
      startPeer(modbusPeer, [], { readyTimeoutMs: 120_000 }),
      startTestServer(),
    ]);
    modbusPort = Number(device.ready.port);
    ({ client, key } = await server.account('engineer'));
    plcClient = await OpcuaClient.connect(String(plc.ready.endpointUrl), { pkiFolder: join(pki, 'test-client') });
    // The PLC's own plant stops: from now on its sensors are what the simulation writes.
    await plcClient.write('ns=1;s=Tank.LocalPlant', false);
    await plcClient.write('ns=1;s=Tank.Temperature', 20);
    await plcClient.write('ns=1;s=Tank.Setpoint', 35);
  }, 240_000);
  afterAll(async () => {
    await plcClient?.close();
    await Promise.all([plc?.stop(), externalPlantPlc?.stop(), device?.stop(), server?.close()]);
    rmSync(pki, { recursive: true, force: true });
  });

  it('closes the loop, survives a device that goes away and comes back, and leaves safe values on stop', async () => {
    const project = await client.projects.create({ name: 'hil' });
    const model = await client.projects.createModel(project.id, {
      name: 'heated tank in the loop',
      components: [
        { id: 'setpoint', type: 'source', properties: { kind: 'constant', value: 20, unit: 'degC' } },
        {
          id: 'controller',
          type: 'pid',
          properties: { unit: 'degC', output_unit: 'W', kp: 4000, ki: 0, out_min: 0, out_max: 20000 },
        },
        { id: 'heater', type: 'heater', properties: { max_power_w: 20000 } },
        { id: 'tank', type: 'tank', properties: { area_m2: 0.05, initial_level_m: 0.5, initial_temperature_c: 20 } },
      ],
      connections: [
        { source_component_id: 'setpoint', source_port: 'out', target_component_id: 'controller', target_port: 'sp' },
        {
          source_component_id: 'tank',
          source_port: 'temperature',
          target_component_id: 'controller',
          target_port: 'pv',
        },
        { source_component_id: 'controller', source_port: 'out', target_component_id: 'heater', target_port: 'power' },
        { source_component_id: 'heater', source_port: 'heat', target_component_id: 'tank', target_port: 'heat' },
      ],
    });
    const opcua = String(plc.ready.endpointUrl);
    const modbus = `modbus://127.0.0.1:${modbusPort}`;
    await client.bindings.create(model.id, {
      signal: 'setpoint.out',
      direction: 'input',
      endpoint: opcua,
      address: 'ns=1;s=Tank.Setpoint',
    });
    await client.bindings.create(model.id, {
      signal: 'tank.temperature',
      direction: 'output',
      endpoint: opcua,
      address: 'ns=1;s=Tank.Temperature',
      safeValue: 5,
    });
    const mirrored = await client.bindings.create(model.id, {
      signal: 'tank.temperature',
      direction: 'output',
      endpoint: modbus,
      address: 'hr:10:f32',
      scale: 0.01,
      safeValue: 0,
    });

    // The controller's output (a number, W) on a coil: on while it heats.
    await client.bindings.create(model.id, {
      signal: 'controller.out',
      direction: 'output',
      endpoint: modbus,
      address: 'coil:5',
      safeValue: false,
    });
    const sim = await client.simulation.startHil(model.id, { periodMs: 50 });
    // The simulated controller takes its setpoint from the PLC (35 °C), heats the simulated tank, and the PLC reads the
    // rising temperature the simulation writes.
    await until('the PLC reads a temperature the simulation heated', async () => {
      const { value } = await plcClient.read('ns=1;s=Tank.Temperature');
      return typeof value === 'number' && value > 20.05 ? value : undefined;
    });
    const setpoint = await client.asset(sim.id, 'source', 'setpoint');
    expect(setpoint.state.out).toBe(35);
    const running = await client.simulation.hil(sim.id);
    expect(running.state).toBe('running');
    expect(running.cycles).toBeGreaterThan(0);
    expect(running.bindings.map((b) => b.connection)).toEqual(['connected', 'connected', 'connected', 'connected']);
    expect(running.bindings.every((b) => b.lastValueAgeMs !== null && b.lastValueAgeMs < 5_000)).toBe(true);
    // The temperature reaches the Modbus device in hundredths of a degree (scale 0.01).
    const modbusClient = await ModbusClient.connect({ host: '127.0.0.1', port: modbusPort });
    const centiDegrees = await modbusClient.read(parseModbusAddress('hr:10:f32'));
    expect(await modbusClient.read(parseModbusAddress('coil:5'))).toBe(true);
    await modbusClient.close();
    expect(centiDegrees).toBeGreaterThan(2000);
    expect(centiDegrees).toBeLessThan(3600);

    // The Modbus device goes away (a power cut): its binding is lost with the reason, the loop and the server go on.
    await device.kill();
    const lost = await until('the Modbus binding is lost', async () => {
      const status = await client.simulation.hil(sim.id);
      return status.bindings.find((b) => b.id === mirrored.id)?.connection === 'lost' ? status : undefined;
    });
    expect(lost.bindings.find((b) => b.id === mirrored.id)?.error).toMatch(/modbus|ECONNREFUSED|closed/i);
    const cyclesWhileLost = lost.cycles;
    await until('the loop goes on without the device', async () => {
      const status = await client.simulation.hil(sim.id);
      return status.cycles > cyclesWhileLost + 5 ? status : undefined;
    });
    // It comes back on the same port: the binding connects again.
    device = await startPeer(modbusPeer, [String(modbusPort)], { readyTimeoutMs: 120_000 });
    await until('the Modbus binding is connected again', async () => {
      const status = await client.simulation.hil(sim.id);
      return status.bindings.find((b) => b.id === mirrored.id)?.connection === 'connected' ? status : undefined;
    });
    // The device restarted empty: the loop writes its outputs again, the coil too, though the controller's output
    // (saturated at 20 kW) has not moved since it was last written.
    await until('the restarted device holds the outputs again', async () => {
      const reader = await ModbusClient.connect({ host: '127.0.0.1', port: modbusPort });
      try {
        const coil = await reader.read(parseModbusAddress('coil:5'));
        const register = await reader.read(parseModbusAddress('hr:10:f32'));
        return coil === true && typeof register === 'number' && register > 2000 ? true : undefined;
      } finally {
        await reader.close();
      }
    });

    // Stop: every output gets its safe value and the simulation is released.
    await client.simulation.stop(sim.id);
    expect((await plcClient.read('ns=1;s=Tank.Temperature')).value).toBe(5);
    const after = await ModbusClient.connect({ host: '127.0.0.1', port: modbusPort });
    expect(await after.read(parseModbusAddress('hr:10:f32'))).toBe(0);
    expect(await after.read(parseModbusAddress('coil:5'))).toBe(false);
    await after.close();
    const gone = await client.simulation.hil(sim.id).then(
      () => null,
      (e: unknown) => e,
    );
    expect(gone).toBeInstanceOf(DoppelApiError);
    expect((gone as DoppelApiError).status).toBe(409);
  });

  it('refuses to start when a device cannot be reached, naming it, and creates no simulation', async () => {
    const project = await client.projects.create({ name: 'unreachable' });
    const model = await client.projects.createModel(project.id, {
      name: 'tank',
      components: [{ id: 'tank', type: 'tank', properties: {} }],
    });
    const binding = await client.bindings.create(model.id, {
      signal: 'tank.level',
      direction: 'output',
      endpoint: 'modbus://127.0.0.1:1?unit=1',
      address: 'hr:0',
    });
    const before = (await client.listSimulations()).length;
    const error = await client.simulation.startHil(model.id).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DoppelApiError);
    const problem = (error as DoppelApiError).problem;
    expect((error as DoppelApiError).status).toBe(409);
    expect(problem?.code).toBe('DOPPEL_ERR_DEVICE_UNREACHABLE');
    expect(problem?.issues?.[0]?.path).toBe(`bindings.${binding.id}.endpoint`);
    expect((await client.listSimulations()).length).toBe(before);
  });

  it('runs examples/process/hil-tank.yaml with the demo PLC as the docs do, and refuses every call that would move its clock', async () => {
    const endpoint = String(externalPlantPlc.ready.endpointUrl);
    const loader = await startPeer(
      join(repoRoot, 'examples/process/hil-tank.mjs'),
      ['--server', server.url, '--key', key, '--device', `plc=${endpoint}`, '--quiet', '--exit-with-stdin'],
      { readyTimeoutMs: 60_000 },
    );
    const simId = String(loader.ready.simId);
    const plcClient2 = await OpcuaClient.connect(endpoint, { pkiFolder: join(pki, 'example-client') });
    try {
      // The tank starts at 50 °C, under the PLC's 60 °C setpoint: its thermostat calls for heat, and the simulation
      // reads the Boolean as 20 kW (scale 20,000), heating the tank whose temperature the PLC then reads.
      await until('the PLC reads the simulated tank heating up', async () => {
        const { value } = await plcClient2.read('ns=1;s=Tank.Temperature');
        return typeof value === 'number' && value > 50.2 ? value : undefined;
      });
      expect((await plcClient2.read('ns=1;s=Tank.HeaterOn')).value).toBe(true);
      expect((await client.asset(simId, 'source', 'heater_command')).state.out).toBe(20_000);
      expect((await client.asset(simId, 'heater', 'heater')).state.heat).toBe(20_000);
      const level = (await plcClient2.read('ns=1;s=Tank.Level')).value;
      expect(level).toBeCloseTo(0.2, 6);

      // The loop alone moves this simulation's clock: every other way of moving it is refused, 409 problem+json.
      const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
      const attempts: [string, unknown][] = [
        [`/api/v1/simulations/${simId}/run`, {}],
        [`/api/v1/simulations/${simId}/run`, { speed: null }],
        [`/api/v1/simulations/${simId}/resume`, {}],
        [`/api/v1/simulations/${simId}/step`, { events: 1 }],
        [`/api/v1/simulations/${simId}/run-until`, { t: 3600 }],
        [`/api/v1/simulations/${simId}/rewind`, { t: 0 }],
        [`/api/v1/simulations/${simId}/speed`, { speed: 10 }],
        [`/api/v1/simulations/${simId}/ack`, {}],
        [`/api/v1/simulation/step/${simId}`, {}],
        [`/api/v1/twin/simulations/${simId}/run`, {}],
      ];
      const before = await client.simulation.hil(simId);
      for (const [path, body] of attempts) {
        const response = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify(body),
        });
        const problem = (await response.json()) as { code: string; detail: string; issues: { path: string }[] };
        expect([path, response.status, response.headers.get('content-type')]).toEqual([
          path,
          409,
          expect.stringContaining('application/problem+json'),
        ]);
        expect(problem.code).toBe('DOPPEL_ERR_HIL_STATE');
        expect(problem.detail).toContain(`hardware-in-the-loop cycle of model ${String(loader.ready.modelId)}`);
        expect(problem.detail).toContain(`POST /api/v1/simulation/stop/${simId}`);
        expect(problem.issues[0]?.path).toBe('simId');
      }
      // Nothing of that moved the clock: the loop goes on at its own pace, the simulation never ran ahead of it.
      const after = await until('the loop goes on', async () => {
        const status = await client.simulation.hil(simId);
        return status.cycles > before.cycles + 3 ? status : undefined;
      });
      expect(after.state).toBe('running');
      const sim = await client.getSimulation(simId);
      expect(sim.simTime).toBeLessThan(((after.cycles + 50) * after.periodMs) / 1000);

      // The PLC's setpoint drops under the tank's temperature: its thermostat switches off, so does the heater.
      await plcClient2.write('ns=1;s=Tank.Setpoint', 40);
      await until('the simulation reads the heater off', async () => {
        const asset = await client.asset(simId, 'source', 'heater_command');
        return asset.state.out === 0 ? asset : undefined;
      });

      // The loader stops the loop on SIGTERM: the temperature output gets its safe value (hot: the heater stays off).
      await loader.stop();
      expect(loader.child.exitCode).toBe(0);
      expect((await plcClient2.read('ns=1;s=Tank.Temperature')).value).toBe(95);
      expect((await plcClient2.read('ns=1;s=Tank.HeaterOn')).value).toBe(false);
      // The clock is free again once the loop is gone.
      const run = await fetch(`${server.url}/api/v1/simulations/${simId}/step`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ events: 1 }),
      });
      expect(run.status).toBe(200);
    } finally {
      await loader.stop();
      await plcClient2.close();
    }
  });

  it.runIf(mosquitto)('closes the loop through MQTT: a JSON path in, a published JSON value out', async () => {
    const root = `doppel-hil-test/${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const project = await client.projects.create({ name: 'mqtt hil' });
    const model = await client.projects.createModel(project.id, {
      name: 'tank over mqtt',
      components: [
        { id: 'power', type: 'source', properties: { kind: 'constant', value: 0, unit: 'W' } },
        { id: 'heater', type: 'heater', properties: { max_power_w: 20000, efficiency: 1 } },
        { id: 'tank', type: 'tank', properties: { area_m2: 0.05, initial_level_m: 0.2, initial_temperature_c: 20 } },
      ],
      connections: [
        { source_component_id: 'power', source_port: 'out', target_component_id: 'heater', target_port: 'power' },
        { source_component_id: 'heater', source_port: 'heat', target_component_id: 'tank', target_port: 'heat' },
      ],
    });
    const broker = 'mqtt://127.0.0.1:1883';
    await client.bindings.create(model.id, {
      signal: 'power.out',
      direction: 'input',
      endpoint: broker,
      address: `${root}/plc/heater`,
      jsonPath: 'state.on',
      scale: 10_000,
    });
    await client.bindings.create(model.id, {
      signal: 'tank.temperature',
      direction: 'output',
      endpoint: broker,
      address: `${root}/sim/tank`,
      jsonPath: 'temperature_c',
      safeValue: 0,
    });
    const peer = await mqtt.connectAsync(broker);
    const received: number[] = [];
    try {
      await peer.subscribeAsync(`${root}/sim/tank`);
      peer.on('message', (_topic, payload) => {
        const value = (JSON.parse(payload.toString()) as { temperature_c?: unknown }).temperature_c;
        if (typeof value === 'number') received.push(value);
      });
      const sim = await client.simulation.startHil(model.id, { periodMs: 50 });
      // No value has arrived on the input topic yet: the loop waits for it, writing nothing.
      const waiting = await until('the loop waits for its input', async () => {
        const status = await client.simulation.hil(sim.id);
        return status.state === 'waiting-for-inputs' ? status : undefined;
      });
      expect(waiting.bindings[0]?.connection).toBe('lost');
      // A malformed payload changes nothing; a boolean at the JSON path is the heater's 10 kW.
      await peer.publishAsync(`${root}/plc/heater`, 'not json', { retain: false });
      await peer.publishAsync(`${root}/plc/heater`, JSON.stringify({ state: { on: true } }));
      await until('the tank heats, published on MQTT', async () =>
        received.length > 2 && (received.at(-1) ?? 0) > 20.05 ? received : undefined,
      );
      expect((await client.asset(sim.id, 'source', 'power')).state.out).toBe(10_000);
      const status = await client.simulation.hil(sim.id);
      expect(status.state).toBe('running');
      expect(status.bindings.map((b) => [b.connection, typeof b.lastValue])).toEqual([
        ['connected', 'number'],
        ['connected', 'number'],
      ]);
      await client.simulation.stop(sim.id);
      await until('the safe value is published', async () => (received.at(-1) === 0 ? true : undefined));
    } finally {
      await peer.endAsync();
    }
  });
});
