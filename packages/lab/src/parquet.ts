import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { RESULT_FILES } from './results-files.js';

/** The Parquet twins of the result tables, for analytics tools (DuckDB, pandas, Spark) without a CSV parser. */
export const PARQUET_FILES = {
  results: 'results.parquet',
  replications: 'replications.parquet',
  deltas: 'deltas.parquet',
  divergences: 'divergences.parquet',
} as const;

/**
 * Writes results.parquet (and replications, deltas and divergences when their CSV exists) through an in-memory
 * DuckDB, from the CSV files `writeResultFiles` wrote: one source of truth for the rows, column types inferred by
 * DuckDB (numbers as DOUBLE or BIGINT, labels as VARCHAR). Each file is written aside and renamed into place.
 */
export async function writeParquetFiles(outDir: string): Promise<void> {
  await withDuckDB(async (connection) => {
    for (const table of Object.keys(PARQUET_FILES) as (keyof typeof PARQUET_FILES)[]) {
      const csv = join(outDir, RESULT_FILES[table]);
      if (!existsSync(csv)) continue;
      await copyToParquet(
        connection,
        `SELECT * FROM read_csv(${sqlLiteral(csv)}, header = true)`,
        join(outDir, PARQUET_FILES[table]),
      );
    }
  });
}

/** Runs `work` on a connection of an in-memory DuckDB, closed afterwards whatever happens. */
export async function withDuckDB<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return await work(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Writes the rows of `select` to `target` as Parquet: aside first, then renamed into place (never half a file). */
export async function copyToParquet(connection: DuckDBConnection, select: string, target: string): Promise<void> {
  await connection.run(`COPY (${select}) TO ${sqlLiteral(`${target}.partial`)} (FORMAT parquet)`);
  renameSync(`${target}.partial`, target);
}

/** A text (a path) as an SQL string literal. */
export function sqlLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
