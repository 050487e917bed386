import pg from 'pg';

// Helpers for tests that need a PostgreSQL catalog (this package's and the server's).

/** The PostgreSQL the catalog tests use (trust authentication on this machine and in CI). */
export const POSTGRES_URL = process.env.DOPPEL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether PostgreSQL answers. In CI a missing PostgreSQL is a failure (thrown); elsewhere the PostgreSQL tests are
 * skipped and the reason is printed.
 */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    const reason = `PostgreSQL at ${POSTGRES_URL} is not reachable: ${(error as Error).message}`;
    if (process.env.CI === 'true') throw new Error(`${reason} (CI needs it for the catalog tests)`);
    console.warn(`Skipping the PostgreSQL catalog tests: ${reason}`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh schema of the test database, dropped by `drop`. */
export function freshSchema(): { url: string; schema: string; drop: () => Promise<void> } {
  const schema = `doppel_catalog_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const url = `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}schema=${schema}`;
  return {
    url,
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
