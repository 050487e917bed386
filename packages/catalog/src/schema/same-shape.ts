import type * as pg from './pg.js';
import type * as sqlite from './sqlite.js';

// The catalog's queries are written once, against the SQLite tables, and run on PostgreSQL with the PostgreSQL
// tables in their place (connection.ts). That is sound only while every table has the same columns with the same
// row types in both dialects: these assertions make a schema that drifts fail to compile.

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Row<T extends { $inferSelect: unknown }> = T['$inferSelect'];
type Insert<T extends { $inferInsert: unknown }> = T['$inferInsert'];

type TableNames = {
  [K in keyof typeof sqlite]: (typeof sqlite)[K] extends { $inferSelect: unknown } ? K : never;
}[keyof typeof sqlite];

type SameTables = {
  [K in TableNames]: K extends keyof typeof pg
    ? Same<Row<(typeof sqlite)[K]>, Row<(typeof pg)[K]>> extends true
      ? Same<Insert<(typeof sqlite)[K]>, Insert<(typeof pg)[K]>>
      : false
    : false;
};

/** True when every SQLite table has a PostgreSQL twin of the same shape (checked where it is used). */
export type DialectsAgree = SameTables[TableNames] extends true ? true : false;
