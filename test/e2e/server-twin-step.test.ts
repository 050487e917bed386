import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Catalog } from '@doppel/server';
import { TWIN_STEP_PROTOCOL, twinStepMessageSchema, type TwinStepMessage } from '@doppel/twin/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tempDir } from './cli-helpers.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

const controller = fileURLToPath(new URL('../../examples/fleet/external-controller.mjs', import.meta.url));
const run = promisify(execFile);

const dataDir = tempDir('twin-step');
let server: ServerProcess;
let key: string;

interface Episode {
  simulation_id: string;
  seed: number;
  steps: number;
  t_s: number;
  return: number;
  ledger_sha256: string;
}

/** The reference peer as its own process, to its end; its JSON lines after the greeting. */
async function peer(...args: string[]): Promise<{ code: number; lines: Record<string, unknown>[] }> {
  const all = ['--url', server.url, '--key', key, ...args];
  const done = await run(process.execPath, [controller, ...all]).then(
    (out) => ({ code: 0, stdout: out.stdout }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout }),
  );
  const lines = done.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines[0]).toEqual({ protocol: TWIN_STEP_PROTOCOL });
  return { code: done.code, lines: lines.slice(1) };
}

/** A peer in this process, for the frames a well-behaved one never sends. */
async function connect(
  apiKey = key,
): Promise<{ send: (frame: unknown) => Promise<TwinStepMessage>; close: () => void }> {
  const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/v1/twin/step`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  const queue: TwinStepMessage[] = [];
  const waiting: ((message: TwinStepMessage) => void)[] = [];
  socket.on('message', (data: Buffer) => {
    const message = twinStepMessageSchema.parse(JSON.parse(String(data)));
    const next = waiting.shift();
    if (next) next(message);
    else queue.push(message);
  });
  const receive = (): Promise<TwinStepMessage> =>
    queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((resolve) => waiting.push(resolve));
  expect(await receive()).toEqual({ type: 'hello', protocol: TWIN_STEP_PROTOCOL });
  return {
    send: (frame) => {
      socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
      return receive();
    },
    close: () => socket.close(),
  };
}

describe('the step protocol: an external process drives fleet simulations over WebSocket', () => {
  beforeAll(async () => {
    const catalog = Catalog.open(dataDir);
    key = (await catalog.createAccount('trainer', ['read', 'write'])).key;
    catalog.close();
    server = await startServerProcess(dataDir, [], 120_000);
  }, 150_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the same seed and actions give a bit-identical ledger; other actions another one', async () => {
    const args = ['--seed', '7', '--max-steps', '30', '--speed', '50'];
    const [a, b, braking] = [await peer(...args), await peer(...args), await peer(...args, '--controller', 'brake')];
    for (const result of [a, b, braking]) expect(result.code).toBe(0);
    const [ea, eb, ebrake] = [a, b, braking].map((r) => r.lines[0] as unknown as Episode);
    expect(ea.simulation_id).not.toBe(eb.simulation_id);
    expect(ea).toMatchObject({ seed: 7, steps: 30, t_s: 3 });
    expect(ea.ledger_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(eb.ledger_sha256).toBe(ea.ledger_sha256);
    expect(eb.return).toBe(ea.return);
    expect(ebrake.ledger_sha256).not.toBe(ea.ledger_sha256);
    expect(ebrake.return).toBeLessThan(ea.return);

    // Each command is in the simulation's intervention log (origin external), so the run replays like any other.
    const rest = server.client(key);
    const log = await rest.interventions(ea.simulation_id);
    expect(log).toHaveLength(30);
    expect(log[0]).toMatchObject({ action: 'external_command', assetId: 'ego', origin: 'external', effectiveAt: 0 });
    expect(log[29]?.effectiveAt).toBeCloseTo(2.9, 6);
    const results = await Promise.all([ea, eb].map((e) => rest.twin.results(e.simulation_id)));
    expect(results[1]?.ledger_sha256).toBe(results[0]?.ledger_sha256);
  }, 120_000);

  it('a peer that disconnects mid-episode leaves its simulation paused at its head; the next peer is served', async () => {
    const dropped = await peer('--seed', '3', '--drop-after', '5');
    expect(dropped.code).toBe(3);
    const simId = (dropped.lines.at(-1) as { dropped: string }).dropped;
    const rest = server.client(key);
    const until = Date.now() + 20_000;
    let simulation = await rest.getSimulation(simId);
    while (simulation.status === 'running' && Date.now() < until) simulation = await rest.getSimulation(simId);
    expect(simulation.status).toBe('paused');
    expect(simulation.simTime).toBeCloseTo(0.5, 6);
    expect(await rest.interventions(simId)).toHaveLength(5);
    const next = await peer('--seed', '3', '--max-steps', '5');
    expect(next.code).toBe(0);
    expect((next.lines[0] as unknown as Episode).steps).toBe(5);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, 120_000);

  it('refuses bad frames with the field at fault, and the session goes on', async () => {
    const peerSession = await connect();
    const error = (path: string | null, code = 'DOPPEL_ERR_VALIDATION') => ({ type: 'error', code, path });
    expect(await peerSession.send('not json')).toMatchObject(error(null, 'DOPPEL_ERR_MALFORMED_BODY'));
    expect(await peerSession.send({ type: 'jump' })).toMatchObject(error('frame.type'));
    expect(await peerSession.send({ type: 'step' })).toMatchObject(error('step'));
    expect(
      await peerSession.send({ type: 'reset', scenario: { type: 'emergency_braking', initial_sped: 50 } }),
    ).toMatchObject(error('reset.scenario.initial_sped'));
    expect(
      await peerSession.send({ type: 'reset', scenario: { type: 'emergency_braking', sweep: { initial_speed: [1] } } }),
    ).toMatchObject(error('reset.scenario.sweep'));
    expect(await peerSession.send({ type: 'reset', scenario: { type: 'emergency_braking' }, dt_s: 0 })).toMatchObject(
      error('reset.dt_s'),
    );
    const first = await peerSession.send({ type: 'reset', scenario: { type: 'emergency_braking' }, seed: 2 });
    expect(first).toMatchObject({ type: 'observation', step: 0, t_s: 0, seed: 2, reward: 0, terminated: false });
    expect(Object.keys((first as { vehicles: object }).vehicles)).toEqual(['ego']);
    expect(await peerSession.send({ type: 'step', actions: { ego: { accel_mps2: 99 } } })).toMatchObject(
      error('step.actions.ego.accel_mps2'),
    );
    expect(await peerSession.send({ type: 'step', actions: { ego: { throttle: 1 } } })).toMatchObject(
      error('step.actions.ego.throttle'),
    );
    expect(await peerSession.send({ type: 'step', actions: { truck: { accel_mps2: 1 } } })).toMatchObject(
      error('step.actions.truck'),
    );
    // Nothing refused reached the simulation: the first step is still step 1 at 0.1 s.
    const stepped = await peerSession.send({ type: 'step', actions: { ego: { accel_mps2: -2 } } });
    expect(stepped).toMatchObject({ type: 'observation', step: 1, t_s: 0.1 });
    peerSession.close();

    const refused = await fetch(`${server.url}/api/v1/twin/step`);
    expect(refused.status).toBe(401);
  }, 60_000);
});
