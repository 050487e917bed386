import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpcuaClient, OpcuaError, OpcuaErrorCode, type ReadResult } from '@doppel/bridge-opcua';
import { type PeerProcess, startPeer } from '@doppel/test-support';

const plcScript = fileURLToPath(new URL('../../../../examples/process/demo-plc.mjs', import.meta.url));
const pkiFolder = mkdtempSync(join(tmpdir(), 'doppel-opcua-client-'));
let plc: PeerProcess;
let client: OpcuaClient;

const startPlc = (port = 0): Promise<PeerProcess> =>
  startPeer(plcScript, ['--port', String(port), '--pki', join(pkiFolder, 'plc'), '--exit-with-stdin']);

async function refusal(promise: Promise<unknown>): Promise<OpcuaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OpcuaError);
  return error as OpcuaError;
}

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

beforeAll(async () => {
  plc = await startPlc();
  client = await OpcuaClient.connect(String(plc.ready.endpointUrl), {
    pkiFolder: join(pkiFolder, 'client'),
    backoff: { initialMs: 100, maxMs: 500 },
  });
}, 60_000);
afterAll(async () => {
  await client?.close();
  await plc?.stop();
  rmSync(pkiFolder, { recursive: true, force: true });
});

describe('OPC UA client against the demo PLC in its own process', () => {
  it('browses the tank and reads typed values', async () => {
    const objects = await client.browse();
    const tank = objects.find((entry) => entry.browseName.endsWith('Tank'));
    expect(tank).toMatchObject({ nodeId: 'ns=1;s=Tank', nodeClass: 'Object' });
    const names = (await client.browse('ns=1;s=Tank')).map((entry) => entry.nodeId);
    expect(names).toEqual(expect.arrayContaining(['ns=1;s=Tank.Level', 'ns=1;s=Tank.HeaterOn', 'ns=1;s=Tank.Cycle']));
    const level = await client.read('ns=1;s=Tank.Level');
    expect(level).toMatchObject({ dataType: 'Double', status: 'Good' });
    expect(typeof level.value).toBe('number');
    expect((await client.read('ns=1;s=Tank.HeaterOn')).dataType).toBe('Boolean');
  });

  it('writes values converted to the node DataType, and the control law answers', async () => {
    await client.write('ns=1;s=Tank.LocalPlant', 'false');
    await client.write('ns=1;s=Tank.Setpoint', '50');
    await client.write('ns=1;s=Tank.Temperature', 30);
    await until(async () => (await client.read('ns=1;s=Tank.HeaterOn')).value === true);
    await client.write('ns=1;s=Tank.Temperature', 70);
    await until(async () => (await client.read('ns=1;s=Tank.HeaterOn')).value === false);
    expect((await client.read('ns=1;s=Tank.Setpoint')).value).toBe(50);
  });

  it('surfaces bad statuses as typed errors carrying the OPC UA status code', async () => {
    const readOnly = await refusal(client.write('ns=1;s=Tank.HeaterOn', true));
    expect(readOnly.code).toBe(OpcuaErrorCode.Status);
    expect(readOnly.statusCode).toBe('BadNotWritable');
    const outOfRange = await refusal(client.write('ns=1;s=Tank.Setpoint', 500));
    expect(outOfRange.statusCode).toBe('BadOutOfRange');
    expect((await client.read('ns=1;s=Tank.Setpoint')).value).toBe(50);
    const unknown = await refusal(client.read('ns=1;s=Tank.Nothing'));
    expect(unknown.statusCode).toBe('BadNodeIdUnknown');
    expect(unknown.statusValue).toBe(0x80340000);
    const notNumber = await refusal(client.write('ns=1;s=Tank.Setpoint', 'warm'));
    expect(notNumber.code).toBe(OpcuaErrorCode.Value);
    const badId = await refusal(client.read('Tank.Level'));
    expect(badId.code).toBe(OpcuaErrorCode.Address);
  });

  it('subscribes to value changes', async () => {
    const seen: ReadResult[] = [];
    const stop = await client.subscribe('ns=1;s=Tank.Cycle', 20, (result) => seen.push(result));
    await until(() => seen.length >= 3);
    await stop();
    const cycles = seen.map((result) => Number(result.value));
    expect(cycles).toEqual([...cycles].sort((a, b) => a - b));
    expect(seen[0]).toMatchObject({ dataType: 'UInt32', status: 'Good' });
  });

  it('reconnects with backoff when the PLC disappears and comes back, and keeps its subscriptions', async () => {
    const port = Number(plc.ready.port);
    const seen: number[] = [];
    await client.subscribe('ns=1;s=Tank.Cycle', 20, (result) => seen.push(Number(result.value)));
    const states: string[] = [];
    client.onConnectionState((state) => states.push(state));
    await plc.stop();
    await until(() => client.connectionState === 'reconnecting');
    const lost = await refusal(client.read('ns=1;s=Tank.Level'));
    expect(lost.code).toBe(OpcuaErrorCode.Connection);
    plc = await startPlc(port);
    await until(() => client.connectionState === 'connected', 30_000);
    expect(states).toEqual(['reconnecting', 'connected']);
    // The new PLC counts from 0 again: values after the restart arrive through the old subscription.
    const before = seen.length;
    await until(() => seen.length > before + 2, 30_000);
    expect((await client.read('ns=1;s=Tank.Level')).status).toBe('Good');
  }, 90_000);

  it('fails fast with a connection error when nothing listens', async () => {
    const error = await refusal(
      OpcuaClient.connect('opc.tcp://127.0.0.1:1', { pkiFolder: join(pkiFolder, 'client'), backoff: { maxRetry: 0 } }),
    );
    expect(error.code).toBe(OpcuaErrorCode.Connection);
    const badUrl = await refusal(OpcuaClient.connect('http://x', { pkiFolder }));
    expect(badUrl.code).toBe(OpcuaErrorCode.Address);
  });
});
