import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DoppelApiError, type DoppelClient, type Simulation } from '@doppel/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './server-helpers.js';

const city10 = readFileSync(join(import.meta.dirname, '../../examples/swap/city-10.yaml'), 'utf8');

/** Polls the simulation until `check` holds (generous: the machine may be loaded). */
async function until(client: DoppelClient, id: string, check: (sim: Simulation) => boolean): Promise<Simulation> {
  const start = Date.now();
  for (;;) {
    const sim = await client.getSimulation(id);
    if (check(sim)) return sim;
    if (Date.now() - start > 30_000) throw new Error(`timed out; last view ${JSON.stringify(sim)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DoppelApiError) return `${error.status} ${error.code}`;
    throw error;
  }
  return 'did not fail';
}

const awaiting = (at: number) => (sim: Simulation) => sim.debug?.awaitingAck === true && sim.simTime === at;

describe('debug mode over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('POST …/run with debug_mode pauses every chunk until POST …/ack; the ledger records both', async () => {
    const { client } = await server.account('debugger');
    const created = await client.createSimulation({ example: 'evening-peak' });
    expect(created.debug).toBeNull();

    await client.run(created.id, { debug_mode: true, until: 7200 });
    const paused = await until(client, created.id, awaiting(900));
    expect(paused.status).toBe('paused');
    expect(paused.playing).toBe(false);
    expect(paused.debug).toEqual({ chunkS: 900, awaitingAck: true, pausedAt: 900 });

    expect(await errorCode(client.run(created.id))).toBe('409 DOPPEL_ERR_AWAITING_ACK');
    expect(await errorCode(client.runUntil(created.id, 7200))).toBe('409 DOPPEL_ERR_AWAITING_ACK');

    await client.ack(created.id);
    await until(client, created.id, awaiting(1800));
    const records = await client.ledger(created.id, { eventTypes: ['DEBUG_PAUSED', 'DEBUG_ACKNOWLEDGED'] });
    expect(records.map((r) => [r.eventType, r.simTime, r.assetId, r.origin, r.simId])).toEqual([
      ['DEBUG_PAUSED', 900, 'simulation', 'sim', created.id],
      ['DEBUG_ACKNOWLEDGED', 900, 'simulation', 'intervention', created.id],
      ['DEBUG_PAUSED', 1800, 'simulation', 'sim', created.id],
    ]);
    // The chunk's state changes were emitted before its pause.
    const chunk = await client.ledger(created.id, { fromTime: 901, toTime: 1799, limit: 5 });
    expect(chunk.length).toBeGreaterThan(0);
    expect(chunk[0].seq).toBeGreaterThan(records[1].seq);
    expect(chunk[0].seq).toBeLessThan(records[2].seq);

    // A rewind drops the pauses after t; the next run turns debug mode off and goes to its target.
    await client.rewind(created.id, 1000);
    expect((await client.getSimulation(created.id)).debug).toEqual({ chunkS: 900, awaitingAck: false, pausedAt: null });
    await client.run(created.id, { debug_mode: false, until: 3600 });
    const done = await until(client, created.id, (sim) => sim.simTime === 3600 && !sim.playing);
    expect(done.debug).toBeNull();
    const kept = await client.ledger(created.id, { eventTypes: ['DEBUG_PAUSED', 'DEBUG_ACKNOWLEDGED'] });
    expect(kept.map((r) => r.simTime)).toEqual([900, 900]);
    expect(await errorCode(client.ack(created.id))).toBe('409 DOPPEL_ERR_INVALID_STATE');
  });

  it('debug_mode in a posted scenario pauses after its own chunk', async () => {
    const { client } = await server.account('scenario-debugger');
    const sim = await client.createSimulation({ scenario: `${city10}\ndebug_mode: { chunk: 10m }\n` });
    expect(sim.debug).toEqual({ chunkS: 600, awaitingAck: false, pausedAt: null });
    await client.run(sim.id, {});
    await until(client, sim.id, awaiting(600));
    await client.ack(sim.id);
    await until(client, sim.id, awaiting(1200));
  });

  it('refuses a bad debug_mode with a 422 naming the field', async () => {
    const { client } = await server.account('careless');
    const sim = await client.createSimulation({ example: 'evening-peak' });
    expect(await errorCode(client.run(sim.id, { debug_mode: { chunk: 'soon' } }))).toBe(
      '422 DOPPEL_ERR_INVALID_ARGUMENTS',
    );
    expect(await errorCode(client.run(sim.id, { debug_mode: 'yes' as never }))).toBe('422 DOPPEL_ERR_VALIDATION');
  });
});
