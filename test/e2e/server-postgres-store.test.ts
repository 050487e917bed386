import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { Catalog } from '@doppel/catalog';
import { POSTGRES_URL, freshSchema } from '@doppel/catalog/testing';
import type { DoppelClient, SimulationEvent } from '@doppel/client';
import { serviceAvailable } from '@doppel/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { doppel, tempDir } from './cli-helpers.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

// `doppel serve --store postgres://…` as an operator runs it: every simulation's ledger lives in one PostgreSQL
// schema (the catalog in another), not in SQLite files, and a restart (graceful or a kill -9) finds the same
// history there. Each run uses fresh schemas of the test database, dropped afterwards.

async function ledgerRows(schema: string, simId: string): Promise<number> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${schema}".ledger l JOIN "${schema}".simulations s USING (sim_key)
       WHERE s.sim_id = $1`,
      [simId],
    );
    return Number(result.rows[0].n);
  } finally {
    await client.end();
  }
}

async function wholeLedger(client: DoppelClient, simId: string): Promise<SimulationEvent[]> {
  const events: SimulationEvent[] = [];
  for await (const event of client.ledgerAll(simId)) events.push(event);
  return events;
}

describe.runIf(await serviceAvailable('PostgreSQL', 5432, 'the PostgreSQL ledger store of doppel serve'))(
  'doppel serve --store postgres://',
  () => {
    const catalogSchema = freshSchema();
    const storeSchema = freshSchema();
    const dataDir = tempDir('pg-store');
    let server: ServerProcess | null = null;

    afterAll(async () => {
      await server?.crash();
      await catalogSchema.drop();
      await storeSchema.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('keeps every ledger in PostgreSQL, the same across a graceful restart and a kill -9', async () => {
      const args = ['--catalog', catalogSchema.url, '--store', storeSchema.url];
      const catalog = await Catalog.connect(catalogSchema.url);
      const { key } = await catalog.createAccount('lab', ['read', 'write']);
      await catalog.close();

      server = await startServerProcess(dataDir, args);
      expect(server.stdout()).toContain(`Ledgers:   PostgreSQL ${storeSchema.url}`);
      let client = server.client(key);
      const sim = await client.createSimulation({ example: 'city-10', name: 'ledger in postgres' });
      await client.runUntil(sim.id, 900);
      await client.patchAsset(sim.id, 'station', 'station_01', { action: 'set_maintenance_mode', enabled: true });
      const before = await client.runUntil(sim.id, 1_800);
      const ledger = await wholeLedger(client, sim.id);
      expect(ledger.length).toBe(before.headSeq);
      expect(ledger.some((event) => event.origin === 'intervention')).toBe(true);
      // The rows are in PostgreSQL, and no SQLite ledger file was written.
      expect(await ledgerRows(storeSchema.schema, sim.id)).toBe(before.headSeq);
      expect(existsSync(join(dataDir, 'sims', `${sim.id}.sqlite`))).toBe(false);

      expect(await server.stop()).toBe(0);
      server = await startServerProcess(dataDir, args);
      client = server.client(key);
      const restarted = await client.getSimulation(sim.id);
      expect([restarted.simTime, restarted.headSeq, restarted.headHash]).toEqual([
        before.simTime,
        before.headSeq,
        before.headHash,
      ]);
      expect(await wholeLedger(client, sim.id)).toEqual(ledger);

      // Runs on after the restart, then a kill -9: the ledger is regenerated in PostgreSQL, bit for bit.
      const further = await client.runUntil(sim.id, 6 * 3_600);
      expect(further.headSeq).toBeGreaterThan(before.headSeq);
      await server.crash();
      server = await startServerProcess(dataDir, args);
      client = server.client(key);
      const recovered = await client.getSimulation(sim.id);
      expect([recovered.simTime, recovered.headSeq, recovered.headHash]).toEqual([
        further.simTime,
        further.headSeq,
        further.headHash,
      ]);
      expect((await wholeLedger(client, sim.id)).slice(0, ledger.length)).toEqual(ledger);
      expect(await ledgerRows(storeSchema.schema, sim.id)).toBe(further.headSeq);

      // Deleting the simulation deletes its ledger rows.
      await client.deleteSimulation(sim.id);
      expect(await ledgerRows(storeSchema.schema, sim.id)).toBe(0);
      expect(await server.stop()).toBe(0);
      server = null;
    }, 180_000);

    it('refuses a store that is not a postgres:// URL (exit 2) and one it cannot reach (exit 1), naming it', () => {
      const wrong = doppel(['serve', '--no-demo', '--port', '0', '--data', dataDir, '--store', 'mysql://db/x']);
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toContain('store: expected a postgres:// URL, found mysql://');
      const schema = doppel([
        'serve',
        '--no-demo',
        '--port',
        '0',
        '--data',
        dataDir,
        '--store',
        'postgres://postgres@127.0.0.1:5432/test?schema=no-dashes',
      ]);
      expect(schema.status).toBe(2);
      expect(schema.stderr).toContain('store: ?schema= expects letters, digits and underscores');
      const unreachable = doppel([
        'serve',
        '--no-demo',
        '--port',
        '0',
        '--data',
        dataDir,
        '--store',
        'postgres://postgres:secret@127.0.0.1:1/test',
      ]);
      expect(unreachable.status).toBe(1);
      expect(unreachable.stderr).toContain('Cannot open the ledger store at postgres://postgres:***@127.0.0.1:1/test');
      expect(unreachable.stderr).not.toContain('secret');
      expect(unreachable.stderr).not.toMatch(/\n\s+at /);
    }, 60_000);
  },
);
