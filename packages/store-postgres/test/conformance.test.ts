import pg from 'pg';
import { afterAll, expect, test } from 'vitest';
import { LedgerHasher, encodeLedgerEvent, type LedgerEvent } from '@doppel/twin';
import { describeLedgerStoreConformance } from '@doppel/twin/testing';
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

async function sql(text: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(text, values);
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
}
