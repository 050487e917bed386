import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { testFmu, type TestFmuName } from '@doppel/bridge-fmi/testing';
import type { DoppelClient } from '@doppel/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor, wire, type TestServer } from './server-helpers.js';

/** FMU host processes of this server (the server runs in this process: its workers spawn the hosts). */
function fmuHosts(): number {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  } catch {
    // ps exits 1 when the process has no children.
  }
  return out.split('\n').filter((line) => line.includes('host-main')).length;
}

// Native code inside a model that crashes (a write through a null pointer) or hangs (a loop that never returns):
// the simulation fails with an error naming the component, the step and the FMU's error code; the FMU's host process
// is gone; the server and its other simulations go on.
describe('an FMU that crashes or hangs inside a model', { timeout: 180_000 }, () => {
  let server: TestServer;
  let client: DoppelClient;
  let healthyModel: string;

  /** A model of a constant source wired into the FMU's input `u`, run with a model step of 0.1 s. */
  async function modelWith(name: TestFmuName, id: string): Promise<string> {
    const fmu = (await client.fmus.upload(readFileSync(testFmu(name)), `${name}.fmu`)).id;
    const project = await client.projects.create({ name });
    const model = await client.projects.createModel(project.id, {
      name,
      components: [
        { id: 'supply', type: 'source', properties: { kind: 'constant', value: 1 } },
        { id, type: 'fmu', properties: { fmu } },
      ],
      connections: [wire('supply', 'out', id, 'u')],
    });
    return model.id;
  }

  beforeAll(async () => {
    server = await startTestServer();
    client = (await server.account('engineer')).client;
    healthyModel = await modelWith('lag', 'lag');
  });
  afterAll(async () => {
    await server.close();
  });

  for (const [name, id, code] of [
    ['crash', 'boom', 'DOPPEL_ERR_FMU_HOST_CRASHED'],
    ['hang', 'spin', 'DOPPEL_ERR_FMU_CALL_TIMEOUT'],
  ] as const) {
    it(`${name}: the simulation fails naming ${id}, the step and ${code}; the server and other runs live on`, async () => {
      const before = fmuHosts();
      const healthy = await client.simulation.start(healthyModel, { duration: '1m', paused: true, step_s: 0.1 });
      const sim = await client.simulation.start(await modelWith(name, id), {
        duration: '1m',
        paused: true,
        step_s: 0.1,
      });
      // failAt is 0.3 s: the step that ends past it never returns.
      await client.simulation.step(sim.id, { seconds: 1 }).catch(() => undefined);
      // The step's answer may come before the failure is recorded: the simulation reports it as its status.
      let failed = await client.getSimulation(sim.id);
      for (let tries = 0; failed.status !== 'failed' && tries < 600; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        failed = await client.getSimulation(sim.id);
      }
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(
        new RegExp(`FMU component ${id} failed in the step from t=0\\.\\d+ s to t=0\\.\\d+ s \\[${code}\\]`),
      );
      // It stopped at the last communication point the FMU answered.
      expect(failed.simTime).toBeGreaterThanOrEqual(0.2);
      expect(failed.simTime).toBeLessThan(0.5);
      // The FMU's host is gone (killed on timeout, or dead of its crash): only the healthy run's host is left.
      await waitFor(() => fmuHosts() === before + 1, 20_000);

      expect((await client.health()).status).toBe('ok');
      const stepped = await client.simulation.step(healthy.id, { seconds: 2 });
      expect(stepped.status).not.toBe('failed');
      expect(stepped.simTime).toBeCloseTo(2, 6);
      await client.deleteSimulation(healthy.id);
    });
  }
});
