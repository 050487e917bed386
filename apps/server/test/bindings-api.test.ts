import { beforeAll, describe, expect, it } from 'vitest';
import { machineModelSchema, modelBindingSchema, type ModelBindingInput } from '@doppel/twin/contracts';
import { appPerFile } from './test-app.js';

const heatedTank = {
  name: 'heated tank',
  components: [
    { id: 'temperature_in', type: 'source', properties: { kind: 'constant', value: 20, unit: 'degC' } },
    { id: 'tank', type: 'tank', properties: {} },
  ],
  connections: [
    {
      source_component_id: 'temperature_in',
      source_port: 'out',
      target_component_id: 'tank',
      target_port: 'inlet_temperature',
    },
  ],
};

const levelOut: ModelBindingInput = {
  signal: 'tank.level',
  direction: 'output',
  endpoint: 'opc.tcp://127.0.0.1:4840',
  address: 'ns=1;s=Tank.Level',
  safeValue: 0,
};

describe('communication bindings API', () => {
  const server = appPerFile('bindings-api');
  let alice: string;
  let mallory: string;
  let modelId: string;

  const call = (key: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    server.built.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  const issuesOf = (response: { json: () => unknown }) =>
    (response.json() as { issues: { path: string; message: string; expected?: string; found?: string }[] }).issues;

  beforeAll(async () => {
    alice = await server.keyFor('alice');
    mallory = await server.keyFor('mallory', ['read', 'write', 'admin']);
    const project = (await call(alice, 'POST', '/api/v1/projects', { name: 'hil' })).json() as { id: string };
    const model = await call(alice, 'POST', `/api/v1/projects/${project.id}/models`, heatedTank);
    modelId = machineModelSchema.parse(model.json()).id;
  });

  it('creates, lists, replaces and deletes bindings of each protocol', async () => {
    const url = `/api/v1/models/${modelId}/bindings`;
    const created = await call(alice, 'POST', url, levelOut);
    expect(created.statusCode).toBe(201);
    const level = modelBindingSchema.parse(created.json());
    expect(level).toMatchObject({ ...levelOut, modelId });
    const modbus = await call(alice, 'POST', url, {
      signal: 'temperature_in.out',
      direction: 'input',
      endpoint: 'modbus://127.0.0.1:5020?unit=3',
      address: 'ir:4:f32:le',
      scale: 0.1,
      offset: -40,
      samplingMs: 50,
      onLoss: { policy: 'default', value: 15 },
    });
    expect(modbus.statusCode).toBe(201);
    const mqtt = await call(alice, 'POST', url, {
      signal: 'tank.temperature',
      direction: 'output',
      endpoint: 'mqtt://127.0.0.1:1883',
      address: 'plant/tank/temperature',
      jsonPath: 'state.temperature',
      deadband: 0.05,
    });
    expect(mqtt.statusCode).toBe(201);
    const listed = (await call(alice, 'GET', url)).json() as unknown[];
    expect(listed.map((b) => modelBindingSchema.parse(b).signal)).toEqual([
      'tank.level',
      'temperature_in.out',
      'tank.temperature',
    ]);

    const replaced = await call(alice, 'PUT', `${url}/${level.id}`, { ...levelOut, address: 'ns=2;i=42' });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ id: level.id, address: 'ns=2;i=42' });
    expect((await call(alice, 'GET', `${url}/${level.id}`)).json()).toMatchObject({ address: 'ns=2;i=42' });
    expect((await call(alice, 'DELETE', `${url}/${level.id}`)).statusCode).toBe(204);
    expect((await call(alice, 'GET', `${url}/${level.id}`)).statusCode).toBe(404);
    expect((await call(alice, 'GET', url)).json()).toHaveLength(2);
  });

  it('refuses a binding that does not fit the model or its protocol, naming each field, and stores nothing', async () => {
    const url = `/api/v1/models/${modelId}/bindings`;
    const before = ((await call(alice, 'GET', url)).json() as unknown[]).length;
    const cases: [ModelBindingInput | Record<string, unknown>, string, string][] = [
      [{ ...levelOut, signal: 'pump.flow' }, 'body.signal', 'no component "pump"'],
      [{ ...levelOut, signal: 'tank.levle' }, 'body.signal', 'no output port "levle"'],
      [{ ...levelOut, signal: 'tank' }, 'body.signal', 'component.port'],
      [
        { signal: 'tank.level', direction: 'input', endpoint: levelOut.endpoint, address: levelOut.address },
        'body.signal',
        "source component's out port",
      ],
      [{ ...levelOut, address: 'Tank.Level' }, 'body.address', 'not an OPC UA NodeId'],
      [{ ...levelOut, endpoint: 'http://plc:80' }, 'body.endpoint', 'unknown protocol'],
      [{ ...levelOut, endpoint: 'modbus://plc:502?unit=300', address: 'hr:1' }, 'body.endpoint', 'unit=N'],
      [{ ...levelOut, endpoint: 'modbus://plc:502', address: 'hr:70000' }, 'body.address', 'register number'],
      [{ ...levelOut, endpoint: 'modbus://plc:502', address: 'ir:3' }, 'body.address', 'read-only'],
      [{ ...levelOut, endpoint: 'modbus://plc:502', address: 'coil:3:f32' }, 'body.address', 'no type'],
      [{ ...levelOut, endpoint: 'mqtt://broker:1883', address: 'plant/+/level' }, 'body.address', 'wildcards'],
      [{ ...levelOut, jsonPath: 'value' }, 'body.jsonPath', 'MQTT payloads only'],
      [{ ...levelOut, onLoss: { policy: 'hold' } }, 'body.onLoss', 'inputs only'],
      [{ ...levelOut, scale: 0 }, 'body.scale', 'non-zero'],
      [{ ...levelOut, direction: 'both' }, 'body.direction', ''],
      [{ ...levelOut, port: 4840 }, 'body.port', 'unknown field'],
    ];
    for (const [body, path, message] of cases) {
      const response = await call(alice, 'POST', url, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(422);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const issue = issuesOf(response).find((i) => i.path === path);
      expect(issue, `${JSON.stringify(body)} → ${JSON.stringify(issuesOf(response))}`).toBeDefined();
      expect(`${issue?.message} ${issue?.expected ?? ''}`).toContain(message);
    }
    expect((await call(alice, 'GET', url)).json()).toHaveLength(before);
  });

  it("keeps another account's bindings out of sight: 404 as if the model or binding did not exist", async () => {
    const url = `/api/v1/models/${modelId}/bindings`;
    const [first] = (await call(alice, 'GET', url)).json() as { id: string }[];
    expect(first).toBeDefined();
    expect((await call(mallory, 'GET', url)).statusCode).toBe(404);
    expect((await call(mallory, 'POST', url, { nonsense: true })).statusCode).toBe(404);
    expect((await call(mallory, 'GET', `${url}/${first!.id}`)).statusCode).toBe(404);
    expect((await call(mallory, 'PUT', `${url}/${first!.id}`, levelOut)).statusCode).toBe(404);
    expect((await call(mallory, 'DELETE', `${url}/${first!.id}`)).statusCode).toBe(404);
    expect((await call(alice, 'GET', `${url}/bnd_missing`)).statusCode).toBe(404);
    expect((await call(alice, 'GET', `${url}/${first!.id}`)).statusCode).toBe(200);
  });
});
