import { rmSync } from 'node:fs';
import { OpcuaClient, OpcuaError, type ReadResult } from '@doppel/bridge-opcua';
import { Catalog } from '@doppel/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './cli-helpers.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

const dataDir = tempDir('opcua-server');
const pki = tempDir('opcua-clients');
let server: ServerProcess;
let endpoint: string;
let operatorKey: string;
let readOnlyKey: string;
let otherKey: string;
const clients: OpcuaClient[] = [];

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

async function connect(
  options: { security?: 'None' | 'SignAndEncrypt'; user?: { userName: string; password: string } } = {},
): Promise<OpcuaClient> {
  // One client PKI for all: each folder would create its own RSA key, slow on a loaded machine.
  const client = await OpcuaClient.connect(endpoint, { pkiFolder: pki, ...options });
  clients.push(client);
  return client;
}

/** The status of a read that was refused: thrown as an OpcuaError, or answered with a Bad status. */
async function readRefusal(client: OpcuaClient, nodeId: string): Promise<string | undefined> {
  const outcome = await client.read(nodeId).then(
    (result) => result.status,
    (e: unknown) => (e instanceof OpcuaError ? e.statusCode : String(e)),
  );
  return outcome;
}

async function refusal(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OpcuaError);
  return (error as OpcuaError).statusCode;
}

beforeAll(async () => {
  const catalog = Catalog.open(dataDir);
  const operator = await catalog.createAccount('operator', ['read', 'write']);
  operatorKey = operator.key;
  readOnlyKey = (await catalog.createKey(operator.account, ['read'])).key;
  otherKey = (await catalog.createAccount('other', ['read', 'write'])).key;
  catalog.close();
  // The first start creates the server's certificate (an RSA key): slow on a loaded machine.
  server = await startServerProcess(dataDir, ['--opcua-port', '0'], 150_000);
  await until(() => /OPC UA:\s+opc\.tcp:\/\/\S+/.test(server.stdout()));
  endpoint = /OPC UA:\s+(opc\.tcp:\/\/\S+)/.exec(server.stdout())?.[1] ?? '';
}, 180_000);

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(pki, { recursive: true, force: true });
});

describe('doppel serve --opcua-port: the live simulations as an OPC UA address space', () => {
  it('serves assets as objects in their own namespace, values follow the ledger, writes become interventions', async () => {
    const rest = server.client(operatorKey);
    const sim = await rest.createSimulation({ example: 'tank-heater' });
    await rest.run(sim.id, { speed: 20 });

    // The owner's read-only key, SecurityPolicy None: browse and read.
    const viewer = await connect({ user: { userName: 'operator', password: readOnlyKey } });
    const namespaces = (await viewer.read('i=2255')).value as string[];
    const ns = namespaces.indexOf(`urn:doppel:simulation:${sim.id}`);
    await until(async () => (await viewer.browse()).some((entry) => entry.nodeId === `ns=${ns};s=simulation`));
    const assets = await viewer.browse(`ns=${ns};s=simulation`);
    expect(assets.map((entry) => entry.nodeId)).toEqual(
      expect.arrayContaining([`ns=${ns};s=tank`, `ns=${ns};s=controller`, `ns=${ns};s=heater`]),
    );
    const controllerVars = (await viewer.browse(`ns=${ns};s=controller`)).map((entry) => entry.nodeId);
    expect(controllerVars).toEqual(
      expect.arrayContaining([`ns=${ns};s=controller.setpoint`, `ns=${ns};s=controller.mode`]),
    );
    const setpoint = await viewer.read(`ns=${ns};s=controller.setpoint`);
    expect(setpoint).toMatchObject({ dataType: 'Double', status: 'Good', value: 45 });
    expect((await viewer.read(`ns=${ns};s=controller.saturated`)).dataType).toBe('Boolean');
    expect((await viewer.read(`ns=${ns};s=controller.mode`)).dataType).toBe('String');

    // A subscription sees the tank's temperature move as the simulation runs.
    const seen: ReadResult[] = [];
    await viewer.subscribe(`ns=${ns};s=tank.temperature`, 100, (result) => seen.push(result));
    await until(() => new Set(seen.map((result) => result.value)).size >= 3);

    // Anonymous sessions and other accounts neither see nor read another account's simulation.
    const anonymous = await connect();
    expect((await anonymous.browse()).some((entry) => entry.nodeId === `ns=${ns};s=simulation`)).toBe(false);
    expect(await readRefusal(anonymous, `ns=${ns};s=controller.setpoint`)).toBe('BadUserAccessDenied');
    expect(await refusal(anonymous.write(`ns=${ns};s=controller.setpoint`, 48))).toMatch(/^Bad/);
    const stranger = await connect({ user: { userName: 'other', password: otherKey } });
    expect((await stranger.browse()).some((entry) => entry.nodeId === `ns=${ns};s=simulation`)).toBe(false);
    expect(await readRefusal(stranger, `ns=${ns};s=tank.temperature`)).toBe('BadUserAccessDenied');

    // The owner over Basic256Sha256 Sign&Encrypt, user name and API key: the write becomes an intervention.
    const owner = await connect({
      security: 'SignAndEncrypt',
      user: { userName: 'operator', password: operatorKey },
    });
    await owner.write(`ns=${ns};s=controller.setpoint`, 48);
    const interventions = await rest.interventions(sim.id);
    const viaOpcua = interventions.filter((record) => record.origin === 'opcua');
    expect(viaOpcua).toMatchObject([{ assetId: 'controller', action: 'set_setpoint', args: { value: 48 } }]);
    await until(async () => (await viewer.read(`ns=${ns};s=controller.setpoint`)).value === 48);
    const changes = await rest.ledger(sim.id, { assetId: 'controller', eventTypes: ['SETPOINT_CHANGED'] });
    expect(changes.some((event) => event.meta?.to === 48 || JSON.stringify(event.newValue).includes('48'))).toBe(true);

    // Refused writes change nothing: a value the intervention refuses, a read-only field, another account, a key
    // without the write scope.
    const count = (await rest.interventions(sim.id)).length;
    expect(await refusal(owner.write(`ns=${ns};s=controller.setpoint`, 1e13))).toBe('BadTypeMismatch');
    expect(await refusal(owner.write(`ns=${ns};s=tank.temperature`, 20))).toBe('BadNotWritable');
    const other = await connect({
      security: 'SignAndEncrypt',
      user: { userName: 'other', password: otherKey },
    });
    expect(await refusal(other.write(`ns=${ns};s=controller.setpoint`, 30))).toBe('BadUserAccessDenied');
    const reader = await connect({
      security: 'SignAndEncrypt',
      user: { userName: 'operator', password: readOnlyKey },
    });
    expect(await refusal(reader.write(`ns=${ns};s=controller.setpoint`, 30))).toBe('BadUserAccessDenied');
    expect((await rest.interventions(sim.id)).length).toBe(count);
    expect((await owner.read(`ns=${ns};s=controller.setpoint`)).value).toBe(48);

    // A wrong password is no session at all.
    await expect(
      connect({ security: 'SignAndEncrypt', user: { userName: 'operator', password: 'dk_nope' } }),
    ).rejects.toBeInstanceOf(OpcuaError);
    await rest.pause(sim.id);
  }, 240_000);
});
