import { rmSync } from 'node:fs';
import type { DoppelApiError, DoppelClient, InterventionRecord, Simulation } from '@doppel/client';
import { Catalog } from '@doppel/server';
import { describe, expect, it } from 'vitest';
import { tempDir } from './cli-helpers.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

/** A small seeded generator: a failing run is replayed with DOPPEL_CRASH_SEED=<the seed it printed>. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const STATIONS = ['station_01', 'station_02', 'station_03', 'station_04', 'station_05'];

/** What the client was told before the kill: the only facts a restarted server must reproduce. */
interface Acknowledged {
  view: Simulation | null;
  /** Last status seen of each acknowledged intervention. */
  interventions: Map<string, InterventionRecord>;
  /** Stations whose maintenance mode an acknowledged intervention turned on. */
  maintenance: Set<string>;
  speed: number | null;
  /** The simulation was playing (paced) when it was killed: time and head may be ahead of the last reply. */
  playing: boolean;
  /** Requests still unanswered when it was killed: they may or may not have taken effect. */
  inFlight: boolean;
  /** How a duplicate request (maintenance on where it is on) was answered: an error code or a record status. */
  duplicate: string | null;
}

/** Turns maintenance on where it is on already: refused, whether as an error or as a FAILED record. */
async function tryDuplicate(client: DoppelClient, simId: string, station: string) {
  try {
    const record = await client.patchAsset(simId, 'station', station, {
      action: 'set_maintenance_mode',
      enabled: true,
    });
    return { outcome: record.status, record };
  } catch (error) {
    return { outcome: (error as DoppelApiError).code, record: null };
  }
}

async function checkRestored(client: DoppelClient, simId: string, acked: Acknowledged, context: string) {
  const listed = await client.interventions(simId);
  const byId = new Map(listed.map((record) => [record.id, record]));
  for (const [id, before] of acked.interventions) {
    const after = byId.get(id);
    expect(after, `${context}: ${id} listed`).toBeDefined();
    expect(await client.intervention(simId, id), `${context}: GET ${id}`).toEqual(after);
    expect(after?.action, context).toBe(before.action);
    expect(after?.args, context).toEqual(before.args);
    expect(after?.effectiveAt, context).toBe(before.effectiveAt);
    if (!acked.playing) expect(after?.status, `${context}: status of ${id}`).toBe(before.status);
    else if (before.status !== 'PENDING') expect(after?.status, `${context}: status of ${id}`).toBe(before.status);
  }
  const view = await client.getSimulation(simId);
  expect(view.status, context).not.toBe('running');
  expect(view.playing, context).toBe(false);
  expect(view.speed, `${context}: speed`).toBe(acked.speed);
  expect(view.error, context).toBeNull();
  const before = acked.view;
  if (before !== null) {
    if (acked.playing) {
      // A paced run's clock moves between records; what it recorded is the acknowledged fact.
      expect(view.headSeq, `${context}: head`).toBeGreaterThanOrEqual(before.headSeq);
    } else {
      expect(view.simTime, `${context}: sim time`).toBe(before.simTime);
      if (!acked.inFlight) {
        expect(view.headSeq, `${context}: head`).toBe(before.headSeq);
        expect(view.headHash, `${context}: head hash`).toBe(before.headHash);
      }
    }
  }
  // Nothing acknowledged moves by itself: the restored simulation stands still until told to run.
  await sleep(300);
  expect(await client.interventions(simId), `${context}: still`).toEqual(listed);
  expect((await client.getSimulation(simId)).simTime, `${context}: still`).toBe(view.simTime);
  // A duplicate is refused as it was before the restart.
  const duplicate = acked.maintenance.size > 0 ? await tryDuplicate(client, simId, [...acked.maintenance][0]) : null;
  if (duplicate !== null) expect(duplicate.outcome, `${context}: duplicate`).toBe(acked.duplicate);
  return { view, listed, duplicate: duplicate?.record ?? null };
}

describe('crash and restart', () => {
  it(
    'after kill -9 at random points (or SIGTERM) the API shows exactly what was acknowledged',
    { timeout: 120_000 },
    async () => {
      const seed = Number(process.env.DOPPEL_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
      const random = rng(seed);
      const dataDir = tempDir('crash');
      const catalog = Catalog.open(dataDir);
      const key = (await catalog.createAccount('crasher')).key;
      await catalog.close();
      let server: ServerProcess | null = null;
      try {
        server = await startServerProcess(dataDir);
        let client = server.client(key);
        const created = await client.createSimulation({ example: 'city-10' });
        const simId = created.id;
        const acked: Acknowledged = {
          view: created,
          interventions: new Map(),
          maintenance: new Set(),
          speed: null,
          playing: false,
          inFlight: false,
          duplicate: null,
        };
        const remember = (record: InterventionRecord) => acked.interventions.set(record.id, record);
        for (let round = 0; round < 5; round++) {
          const context = `seed ${seed}, round ${round}`;
          const view = await client.getSimulation(simId);
          // Advance a little, as fast as possible.
          if (view.simTime < 80_000) acked.view = await client.runUntil(simId, view.simTime + 600 + random() * 3000);
          const now = acked.view?.simTime ?? 0;
          // Acknowledged interventions: a state change now, a pending one later, a cancelled one.
          const free = STATIONS.filter((station) => !acked.maintenance.has(station));
          if (free.length > 0) {
            const station = free[Math.floor(random() * free.length)];
            remember(
              await client.patchAsset(simId, 'station', station, { action: 'set_maintenance_mode', enabled: true }),
            );
            acked.maintenance.add(station);
          }
          const pending = await client.intervene(simId, {
            assetId: STATIONS[Math.floor(random() * STATIONS.length)],
            action: 'trigger_outage',
            args: { duration_seconds: 300 },
            at: now + 100 + Math.floor(random() * 400),
          });
          remember(pending);
          if (random() < 0.5) remember(await client.cancelIntervention(simId, pending.id));
          const duplicate = await tryDuplicate(client, simId, [...acked.maintenance][0]);
          if (duplicate.record !== null) remember(duplicate.record);
          acked.duplicate = duplicate.outcome;
          expect(acked.duplicate, context).not.toBe('CONFIRMED');
          for (const record of await client.interventions(simId)) {
            if (acked.interventions.has(record.id)) remember(record);
          }
          acked.view = await client.getSimulation(simId);
          acked.playing = false;
          acked.inFlight = false;
          // The kill point: idle, in the middle of a burst of requests, or during a paced run.
          const mode = random();
          if (mode < 0.35) {
            const burst = Array.from({ length: 20 }, (_, i) =>
              client
                .intervene(simId, {
                  assetId: STATIONS[i % STATIONS.length],
                  action: 'trigger_outage',
                  args: { duration_seconds: 60 },
                  at: now + 1_000 + i,
                })
                .then(remember, () => undefined),
            );
            acked.inFlight = true;
            await sleep(random() * 40);
            void Promise.all(burst);
          } else if (mode < 0.7) {
            const speed = [60, 600, 1200][Math.floor(random() * 3)];
            acked.view = await client.run(simId, { speed });
            acked.speed = speed;
            acked.playing = true;
            await sleep(100 + random() * 400);
            if (random() < 0.5) {
              acked.view = await client.pause(simId);
              acked.playing = false;
              for (const record of await client.interventions(simId)) {
                if (acked.interventions.has(record.id)) remember(record);
              }
            }
          }
          const graceful = random() < 0.2;
          if (graceful) expect(await server.stop(), context).toBe(0);
          else await server.crash();
          server = await startServerProcess(dataDir);
          client = server.client(key);
          const restored = await checkRestored(
            client,
            simId,
            acked,
            `${context} (${graceful ? 'SIGTERM' : 'kill -9'})`,
          );
          // Adopt what the restored server holds: requests in flight at the kill may have taken effect.
          for (const record of restored.listed) remember(record);
          if (restored.duplicate !== null) remember(restored.duplicate);
          acked.view = restored.view;
          if (acked.speed !== null && round === 2) {
            const resumed = await client.resume(simId);
            expect(resumed.speed, `${context}: resume keeps the speed`).toBe(acked.speed);
            expect(resumed.status, context).toBe('running');
            acked.view = await client.pause(simId);
          }
        }
      } finally {
        if (server !== null) await server.crash();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});
