import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doppel, repoRoot, tempDir } from './cli-helpers.js';
import { type PeerProcess, startPeer } from '@doppel/test-support';

// `doppel io` through the real CLI against devices in their own processes: the demo PLC (OPC UA) and a Modbus device.
const data = tempDir('io');
let plc: PeerProcess;
let device: PeerProcess;
let opcua: string;
let modbus: string;

beforeAll(async () => {
  [plc, device] = await Promise.all([
    startPeer(join(repoRoot, 'examples/process/demo-plc.mjs'), [
      '--port',
      '0',
      '--pki',
      join(data, 'plc'),
      '--exit-with-stdin',
    ]),
    startPeer(join(repoRoot, 'packages/bridges/modbus/test/modbus-peer.ts')),
  ]);
  opcua = String(plc.ready.endpointUrl);
  modbus = `modbus://127.0.0.1:${String(device.ready.port)}`;
}, 60_000);
afterAll(async () => {
  await Promise.all([plc?.stop(), device?.stop()]);
  rmSync(data, { recursive: true, force: true });
});

const io = (...args: string[]) => doppel(['io', ...args, '--data', data]);

// Each CLI call is a fresh process (a few seconds on a loaded machine), and these tests make many.
describe('doppel io against OPC UA', { timeout: 300_000 }, () => {
  it('browses the PLC and reads, writes and watches its variables', () => {
    const browse = io('browse', opcua);
    expect(browse.status, browse.stderr).toBe(0);
    expect(browse.stdout).toContain('ns=1;s=Tank.Level  1:Level  [Variable Double]');
    expect(browse.stdout).not.toContain('ServerStatus');

    const read = io('read', opcua, 'ns=1;s=Tank.Setpoint', '--json');
    expect(read.status, read.stderr).toBe(0);
    expect(JSON.parse(read.stdout)).toEqual({ value: 60, status: 'Good', dataType: 'Double' });

    const write = io('write', opcua, 'ns=1;s=Tank.Setpoint', '42.5');
    expect(write.status, write.stderr).toBe(0);
    expect(JSON.parse(io('read', opcua, 'ns=1;s=Tank.Setpoint', '--json').stdout).value).toBe(42.5);
    expect(io('write', opcua, 'ns=1;s=Tank.LocalPlant', 'false').status).toBe(0);
    expect(JSON.parse(io('read', opcua, 'ns=1;s=Tank.LocalPlant', '--json').stdout).value).toBe(false);

    const watch = io('watch', opcua, 'ns=1;s=Tank.Cycle', '--count', '3', '--interval', '20', '--json');
    expect(watch.status, watch.stderr).toBe(0);
    const cycles = watch.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { value: number });
    expect(cycles).toHaveLength(3);
    expect(cycles[2]!.value).toBeGreaterThan(cycles[0]!.value);
  });

  it('exits 1 when the PLC refuses, 2 for bad arguments or no connection', () => {
    const readOnly = io('write', opcua, 'ns=1;s=Tank.HeaterOn', 'true');
    expect(readOnly.status).toBe(1);
    expect(readOnly.stderr).toContain('BadNotWritable');
    expect(io('write', opcua, 'ns=1;s=Tank.Setpoint', '500').stderr).toContain('BadOutOfRange');
    expect(io('read', opcua, 'ns=1;s=Tank.Nothing').status).toBe(1);

    const notANumber = io('write', opcua, 'ns=1;s=Tank.Setpoint', 'warm');
    expect(notANumber.status).toBe(2);
    expect(notANumber.stderr).toContain('DOPPEL_ERR_OPCUA_VALUE');
    expect(io('read', opcua, 'Tank.Level').status).toBe(2);
    const down = io('read', 'opc.tcp://127.0.0.1:1', 'ns=1;s=Tank.Level');
    expect(down.status).toBe(2);
    expect(down.stderr).toContain('DOPPEL_ERR_OPCUA_CONNECTION');
    expect(down.stderr).not.toMatch(/\n\s+at /);
    expect(io('read', 'http://127.0.0.1:1', 'x').status).toBe(2);
  });
});

describe('doppel io against Modbus', { timeout: 300_000 }, () => {
  it('reads typed registers, writes and watches, with unit ids', () => {
    const read = io('read', modbus, 'ir:2:f32', '--json');
    expect(read.status, read.stderr).toBe(0);
    expect(JSON.parse(read.stdout)).toEqual({ value: 21.5, status: 'Good', dataType: 'f32' });
    expect(io('read', modbus, 'ir:0:i16').stdout.trim()).toBe('-1234');
    expect(io('write', modbus, 'hr:12:f32', '-2.5').status).toBe(0);
    expect(io('read', modbus, 'hr:12:f32').stdout.trim()).toBe('-2.5');
    expect(io('write', modbus, 'coil:3', 'true').status).toBe(0);
    expect(io('read', modbus, 'coil:3').stdout.trim()).toBe('true');
    expect(io('read', `${modbus}?unit=7`, 'hr:0').stdout.trim()).toBe('7');
    const watch = io('watch', modbus, 'ir:2:f32', '--count', '1', '--interval', '10');
    expect(watch.status, watch.stderr).toBe(0);
    expect(watch.stdout).toContain('21.5');
    const browse = io('browse', modbus, '--depth', '1');
    expect(browse.status, browse.stderr).toBe(0);
    expect(browse.stdout).toContain('ir:0  ir:0  [value] = 64302');
  });

  it('exits 1 on a Modbus exception and 2 for bad addresses, values or no device', () => {
    const illegalValue = io('write', modbus, 'hr:100', '60000');
    expect(illegalValue.status).toBe(1);
    expect(illegalValue.stderr).toContain('ILLEGAL_DATA_VALUE');
    expect(io('read', modbus, 'hr:5000').stderr).toContain('ILLEGAL_DATA_ADDRESS');
    expect(io('read', modbus, 'hr:5000').status).toBe(1);
    expect(io('read', modbus, 'hx:1').status).toBe(2);
    expect(io('write', modbus, 'hr:1:u16', '70000').status).toBe(2);
    expect(io('write', modbus, 'coil:1', 'maybe').status).toBe(2);
    expect(io('write', modbus, 'ir:1', '1').status).toBe(2);
    expect(io('read', 'modbus://127.0.0.1:1', 'hr:0', '--timeout', '500').status).toBe(2);
    expect(io('read', `${modbus}?unit=999`, 'hr:0').status).toBe(2);
  });
});
