import type { DoppelApiError } from '@doppel/client';
import { describe, expect, it } from 'vitest';
import { startTestServer } from './server-helpers.js';

/** Blocks this thread (the server's) without spinning: a CPU so starved that no timer or message runs. */
function starve(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('worker liveness', () => {
  it('a starved server does not take its slow workers for dead ones', { timeout: 60_000 }, async () => {
    const server = await startTestServer({ limits: { workerHeartbeatTimeoutMs: 400 } });
    try {
      const { client } = await server.account('starved');
      const sim = await client.createSimulation({ example: 'city-10' });
      await client.run(sim.id, { speed: 60 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      starve(2_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const after = await client.getSimulation(sim.id);
      expect(after.error).toBeNull();
      expect(after.status).toBe('running');
      expect((await client.pause(sim.id)).status).toBe('paused');
    } finally {
      await server.close();
    }
  });
});

describe('a failed simulation', () => {
  it('stays openable: ledger, past states and branches work; it does not run on', { timeout: 60_000 }, async () => {
    const first = await startTestServer();
    const { key, client } = await first.account('unlucky');
    const sim = await client.createSimulation({ example: 'city-10' });
    const paused = await client.runUntil(sim.id, 7_200);
    await first.app.close();
    // The verdict of an earlier server (its watchdog once took this simulation for hung).
    const message = 'The simulation stopped responding (no heartbeat for 5000 ms): it was stopped';
    const second = await startTestServer({ dataDir: first.config.dataDir });
    try {
      await second.context.catalog.updateSimulation(sim.id, { status: 'failed', error: message });
      const again = second.client(key);
      const failed = await again.getSimulation(sim.id);
      expect(failed).toMatchObject({ status: 'failed', error: message, simTime: 7_200, headSeq: paused.headSeq });
      const ledger = await again.ledger(sim.id, { afterSeq: paused.headSeq - 10, limit: 100 });
      expect(ledger.map((event) => event.seq).at(-1)).toBe(paused.headSeq);
      const past = await again.state(sim.id, { t: 3_600 });
      expect(past.simTime).toBe(3_600);
      expect(past.assets.length).toBeGreaterThan(0);
      const refused = await again.step(sim.id, { events: 1 }).catch((error: DoppelApiError) => error);
      expect((refused as DoppelApiError).code).toBe('DOPPEL_ERR_SIMULATION_FAILED');
      expect((await again.getSimulation(sim.id)).status).toBe('failed');
      const branch = await again.branch(sim.id, 3_600, { name: 'second chance' });
      expect(branch).toMatchObject({ status: 'paused', simTime: 3_600, parentId: sim.id });
      expect((await again.runUntil(branch.id, 7_200)).headHash).toBe(paused.headHash);
      // Rewinding the failed simulation itself lets it go on.
      const rewound = await again.rewind(sim.id, 3_600);
      expect(rewound).toMatchObject({ status: 'paused', error: null, simTime: 3_600 });
      expect((await again.runUntil(sim.id, 7_200)).headHash).toBe(paused.headHash);
    } finally {
      await second.close();
    }
  });
});
