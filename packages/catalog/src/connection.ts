import Database from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { CatalogError, CatalogErrorCode } from './errors.js';
import { adoptPreviousRelease } from './legacy.js';
import * as pgTables from './schema/pg.js';
import * as sqliteTables from './schema/sqlite.js';

/**
 * The query surface the catalog is written against: Drizzle's SQLite builder, awaited (never `.run()`/`.get()`,
 * which PostgreSQL lacks). On PostgreSQL the same builder calls reach Drizzle's PostgreSQL database with its tables.
 */
export type CatalogDb = BaseSQLiteDatabase<'async', unknown>;
export type CatalogTables = typeof sqliteTables;

/** An open catalog database of either dialect. */
export interface CatalogConnection {
  readonly dialect: 'sqlite' | 'postgres';
  /** A file path or a URL without its password: what messages name. */
  readonly location: string;
  readonly db: CatalogDb;
  readonly tables: CatalogTables;
  /** The SQLite connection itself (pragmas, maintenance); null on PostgreSQL. */
  readonly sqlite: Database.Database | null;
  /** Runs `work` in one database transaction; the caller keeps other work off the connection meanwhile. */
  transaction<T>(work: (db: CatalogDb) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const migrationsFolder = (dialect: 'sqlite' | 'pg'): string =>
  fileURLToPath(new URL(`../drizzle/${dialect}`, import.meta.url));

/** The SQLite catalog of a file (created when missing), migrated to the current schema. */
export function openSqlite(path: string): CatalogConnection {
  const client = new Database(path);
  client.pragma('journal_mode = WAL');
  client.pragma('synchronous = NORMAL');
  client.pragma('foreign_keys = ON');
  client.pragma('busy_timeout = 5000');
  const db = drizzleSqlite(client);
  try {
    adoptPreviousRelease(client, migrationsFolder('sqlite'));
    migrateSqlite(db, { migrationsFolder: migrationsFolder('sqlite') });
  } catch (error) {
    client.close();
    throw error;
  }
  return {
    dialect: 'sqlite',
    location: path,
    db: db as unknown as CatalogDb,
    tables: sqliteTables,
    sqlite: client,
    async transaction(work) {
      client.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(db as unknown as CatalogDb);
        client.exec('COMMIT');
        return result;
      } catch (error) {
        if (client.inTransaction) client.exec('ROLLBACK');
        throw error;
      }
    },
    async close() {
      client.close();
    },
  };
}

/**
 * The PostgreSQL catalog at `url`, migrated to the current schema. `?schema=NAME` in the URL keeps the catalog
 * (and its migration log) in that schema, created when missing; the default is `public`.
 */
export async function connectPostgres(url: string): Promise<CatalogConnection> {
  const { connectionString, schema, location } = parsePostgresUrl(url);
  // One connection: statements run in the order they are issued, as on SQLite.
  const pool = new pg.Pool({ connectionString, max: 1, options: `-c search_path=${quoteIdent(schema)}` });
  // An idle connection that drops is replaced on the next query; the error must not end the process.
  pool.on('error', () => undefined);
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    const db = drizzlePg(pool);
    await migratePg(db, { migrationsFolder: migrationsFolder('pg'), migrationsSchema: schema });
    return {
      dialect: 'postgres',
      location,
      db: db as unknown as CatalogDb,
      tables: pgTables,
      sqlite: null,
      transaction: (work) => db.transaction((tx) => work(tx as unknown as CatalogDb)),
      close: () => pool.end(),
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new CatalogError(CatalogErrorCode.Unavailable, `Cannot open the catalog at ${location}: ${describe(error)}`);
  }
}

/** A failure and its cause (Drizzle wraps the driver's error, which says what went wrong). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message.split('\n')[0]}${cause}`;
}

function parsePostgresUrl(url: string): { connectionString: string; schema: string; location: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CatalogError(CatalogErrorCode.BadLocation, `"${url}" is not a URL (expected postgres://host/database)`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new CatalogError(
      CatalogErrorCode.BadLocation,
      `The catalog URL must start with postgres:// (found ${parsed.protocol}//)`,
    );
  }
  const schema = parsed.searchParams.get('schema') ?? 'public';
  parsed.searchParams.delete('schema');
  const connectionString = parsed.toString();
  if (parsed.password !== '') parsed.password = '***';
  return { connectionString, schema, location: parsed.toString() };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
