import pg from 'pg';
import { afterAll, expect, test } from 'vitest';
import { LedgerHasher, encodeLedgerEvent, type LedgerEvent } from '@doppel/twin';
import {
  describeLedgerStoreConformance,
  expectedHeadHash,
  hasherAfter,
  syntheticLedger,
  testSimulationRecord,
} from '@doppel/twin/testing';
import { PostgresLedgerStore } from '../src/index.js';

// Runs twin's LedgerStore conformance suite against the machine's PostgreSQL, each store in a schema of its own
// that is dropped afterwards. In CI a missing PostgreSQL fails the run; elsewhere the suite is skipped, saying why.

const POSTGRES_URL = process.env.DOPPEL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const run = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const schemas: string[] = [];

async function available(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    const reason = `PostgreSQL at ${POSTGRES_URL} is not reachable: ${(error as Error).message}`;
    if (process.env.CI === 'true') throw new Error(`${reason} (CI needs it for the PostgreSQL store tests)`);
    console.warn(`Skipping the PostgreSQL store conformance suite: ${reason}`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function sql(text: string, values: unknown[] = []): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

if (await available()) {
  afterAll(async () => {
    for (const schema of schemas) await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  describeLedgerStoreConformance('PostgresLedgerStore', async () => {
    const schema = `doppel_ledger_${run}_${schemas.length}`;
    schemas.push(schema);
    const store = await PostgresLedgerStore.open({ url: POSTGRES_URL, schema });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      },
      // Edits one record's stored text behind the store's back, as someone with access to the database could.
      tamper: async (simId, seq) => {
        await sql(
          `UPDATE "${schema}".ledger SET body = replace(body, '"station_', '"statiox_')
           WHERE seq = $2 AND sim_key = (SELECT sim_key FROM "${schema}".simulations WHERE sim_id = $1)`,
          [simId, seq],
        );
      },
    };
  });

  test('COPY keeps text with tabs, newlines, backslashes and quotes exactly', async () => {
    const schema = `doppel_ledger_${run}_copy`;
    schemas.push(schema);
    const store = await PostgresLedgerStore.open({ url: `${POSTGRES_URL}?schema=${schema}` });
    try {
      await store.createSimulation({
        simId: 's',
        name: 'n',
        pack: 'p',
        scenarioSha256: 'x',
        scenarioJson: '{}',
        seed: 1,
        parentSimId: null,
        forkSeq: null,
        createdAt: '1970-01-01T00:00:00.000Z',
      });
      const odd = 'tab\there\nnew\\line\r"quoted" \\N ✓';
      const records: LedgerEvent[] = [1, 2, 3].map((seq) => ({
        seq,
        simTime: seq / 3,
        assetId: `${odd}-${seq}`,
        eventType: 'ODD_TEXT',
        oldValue: null,
        newValue: { note: odd },
        meta: { path: 'C:\\dir\\file' },
        origin: 'sim',
      }));
      await store.append('s', records, []);
      expect((await store.query({ simId: 's' })).map(encodeLedgerEvent)).toEqual(records.map(encodeLedgerEvent));
      expect(await store.query({ simId: 's', assetId: `${odd}-2` })).toHaveLength(1);
      const hasher = new LedgerHasher();
      records.forEach((record) => hasher.add(encodeLedgerEvent(record)));
      expect((await store.head('s')).hash).toBe(hasher.head().hash);
    } finally {
      await store.close();
    }
  });

  /** A store in a schema of its own, with one simulation `s`. */
  async function storeWithSimulation(name: string): Promise<{ store: PostgresLedgerStore; schema: string }> {
    const schema = `doppel_ledger_${run}_${name}`;
    schemas.push(schema);
    const store = await PostgresLedgerStore.open({ url: POSTGRES_URL, schema });
    await store.createSimulation(testSimulationRecord('s'));
    return { store, schema };
  }

  test('appends queued together are written wholly or not at all, and the store goes on after a failure', async () => {
    const { store, schema } = await storeWithSimulation('group');
    try {
      const records = syntheticLedger(300);
      const hasher = hasherAfter([]);
      const batch = (from: number, to: number) => {
        const slice = records.slice(from, to);
        slice.forEach((record) => hasher.add(encodeLedgerEvent(record)));
        return [slice, hasher.takeSealed()] as const;
      };
      const [first, firstBlocks] = batch(0, 100);
      const [second, secondBlocks] = batch(100, 300); // seals block 0: a second COPY in the same message
      expect(secondBlocks).toHaveLength(1);
      // Someone else wrote record 200 behind the store's back: the ledger COPY fails on its primary key.
      await sql(
        `INSERT INTO "${schema}".ledger (sim_key, seq, sim_time, asset_id, event_type, body)
         SELECT sim_key, 200, 0, 'x', 'X', 'x' FROM "${schema}".simulations WHERE sim_id = 's'`,
      );
      const outcomes = await Promise.allSettled([
        store.append('s', first, firstBlocks),
        store.append('s', second, secondBlocks),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
      expect(await sql(`SELECT count(*)::int AS n FROM "${schema}".ledger`)).toEqual([{ n: 1 }]);
      expect(await sql(`SELECT count(*)::int AS n FROM "${schema}".blocks`)).toEqual([{ n: 0 }]);
      // The rows that followed the failed COPY were dropped by the server, not read as the next query.
      expect(await store.queryTexts({ simId: 's' })).toEqual(['x']);

      await sql(`DELETE FROM "${schema}".ledger WHERE seq = 200`);
      await Promise.all([store.append('s', first, firstBlocks), store.append('s', second, secondBlocks)]);
      expect(await store.head('s')).toMatchObject({ seq: 300, hash: expectedHeadHash(records) });
      expect(await store.verify('s')).toMatchObject({ ok: true, validPrefixSeq: 300 });
    } finally {
      await store.close();
    }
  });

  test('every call sees exactly the appends made before it, however many are queued', async () => {
    const { store } = await storeWithSimulation('order');
    try {
      const records = syntheticLedger(40);
      const seqs = (upTo: number) => records.slice(0, upTo).map((record) => record.seq);
      const calls = [
        store.append('s', records.slice(0, 10), []),
        store.append('s', records.slice(10, 20), []),
        store.query({ simId: 's' }),
        store.append('s', records.slice(20, 30), []),
        store.append('s', records.slice(25, 35), []), // overlaps: rejected alone, the others stand
        store.append('s', records.slice(30, 40), []),
        store.query({ simId: 's' }),
      ];
      const outcomes = await Promise.allSettled(calls);
      expect(outcomes.map((outcome) => outcome.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      const seen = (i: number) =>
        ((outcomes[i] as PromiseFulfilledResult<LedgerEvent[]>).value ?? []).map((record) => record.seq);
      expect(seen(2)).toEqual(seqs(20));
      expect(seen(6)).toEqual(seqs(40));
      expect(await store.head('s')).toMatchObject({ seq: 40, hash: expectedHeadHash(records) });
    } finally {
      await store.close();
    }
  });
}
