import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
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
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const table of Object.keys(PARQUET_FILES) as (keyof typeof PARQUET_FILES)[]) {
      const csv = join(outDir, RESULT_FILES[table]);
      if (!existsSync(csv)) continue;
      const target = join(outDir, PARQUET_FILES[table]);
      await connection.run(
        `COPY (SELECT * FROM read_csv(${literal(csv)}, header = true)) TO ${literal(`${target}.partial`)} ` +
          '(FORMAT parquet)',
      );
      renameSync(`${target}.partial`, target);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** A path as an SQL string literal. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
