import type Database from 'better-sqlite3';
import { SIMULATION_COLUMNS } from './catalog.js';

type Statement = Database.Statement<unknown[], unknown>;
interface Spec {
  readonly sql: string;
  /** Return the first column only. */
  readonly pluck: boolean;
}
const q = (sql: string): Spec => ({ sql, pluck: false });
const p = (sql: string): Spec => ({ sql, pluck: true });

/** Every statement the store runs, prepared once per connection. */
const SQL = {
  simKey: p('SELECT sim_key FROM simulations WHERE sim_id = ?'),
  maxSimKey: p('SELECT max(sim_key) FROM simulations'),
  simKeyGap: p(`
    SELECT min(k) FROM (
      SELECT 1 AS k WHERE NOT EXISTS (SELECT 1 FROM simulations WHERE sim_key = 1)
      UNION ALL
      SELECT s.sim_key + 1 FROM simulations s
      WHERE NOT EXISTS (SELECT 1 FROM simulations n WHERE n.sim_key = s.sim_key + 1)
    )`),
  insertSimulation: q(`INSERT INTO simulations (sim_key, ${SIMULATION_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)`),
  getSimulation: q('SELECT * FROM simulations WHERE sim_id = ?'),
  listSimulations: q('SELECT * FROM simulations ORDER BY sim_key'),
  deleteSimulation: q('DELETE FROM simulations WHERE sim_key = ?'),

  allNames: q('SELECT name_key, kind, name FROM names'),
  insertName: q('INSERT INTO names (kind, name) VALUES (?, ?)'),
  nameKey: p('SELECT name_key FROM names WHERE kind = ? AND name = ?'),

  putRow: q(
    'INSERT OR REPLACE INTO ledger (id, count, first_time, last_time, prev_hash, hash, times, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ),
  lastRowMeta: q(
    'SELECT id, count, last_time, prev_hash, hash FROM ledger WHERE id BETWEEN ? AND ? ORDER BY id DESC LIMIT 1',
  ),
  rowFull: q('SELECT id, count, prev_hash, hash, times, body FROM ledger WHERE id = ?'),
  rowBody: p('SELECT body FROM ledger WHERE id = ?'),
  rowTimes: p('SELECT times FROM ledger WHERE id = ?'),
  rowFirstTime: p('SELECT first_time FROM ledger WHERE id = ?'),
  rowLastTime: p('SELECT last_time FROM ledger WHERE id = ?'),
  rowsMetaRange: q('SELECT id, count, prev_hash, hash FROM ledger WHERE id BETWEEN ? AND ? ORDER BY id'),
  rowsBodyRange: q('SELECT id, body FROM ledger WHERE id BETWEEN ? AND ? ORDER BY id'),
  deleteRows: q('DELETE FROM ledger WHERE id BETWEEN ? AND ?'),
  copyRows: q(
    'INSERT INTO ledger SELECT id + ?, count, first_time, last_time, prev_hash, hash, times, body FROM ledger WHERE id BETWEEN ? AND ?',
  ),

  // Byte-exact concatenation: `||` alone would turn the blobs into text.
  upsertChunk: q(`
    INSERT INTO chunks (sim_key, chunk, assets, types) VALUES (?, ?, ?, ?)
    ON CONFLICT (sim_key, chunk) DO UPDATE SET
      assets = unhex(hex(assets) || hex(excluded.assets)), types = unhex(hex(types) || hex(excluded.types))`),
  chunkAssets: p('SELECT assets FROM chunks WHERE sim_key = ? AND chunk = ?'),
  chunkTypes: p('SELECT types FROM chunks WHERE sim_key = ? AND chunk = ?'),
  trimChunk: q(
    'UPDATE chunks SET assets = substr(assets, 1, ?), types = substr(types, 1, ?) WHERE sim_key = ? AND chunk = ?',
  ),
  deleteChunksAfter: q('DELETE FROM chunks WHERE sim_key = ? AND chunk > ?'),
  copyChunks: q('INSERT INTO chunks SELECT ?, chunk, assets, types FROM chunks WHERE sim_key = ? AND chunk <= ?'),

  latestSnapshot: q(
    'SELECT seq, states FROM snapshots WHERE sim_key = ? AND sim_time <= ? AND seq <= ? ORDER BY seq DESC LIMIT 1',
  ),
  putSnapshot: q('INSERT OR REPLACE INTO snapshots (sim_key, seq, sim_time, states) VALUES (?, ?, ?, ?)'),
  deleteSnapshotsAfter: q('DELETE FROM snapshots WHERE sim_key = ? AND seq > ?'),
  copySnapshots: q(
    'INSERT INTO snapshots SELECT ?, seq, sim_time, states FROM snapshots WHERE sim_key = ? AND seq <= ?',
  ),
};

export type Statements = { readonly [K in keyof typeof SQL]: Statement };

export function prepareStatements(db: Database.Database): Statements {
  const prepared: Partial<Record<keyof typeof SQL, Statement>> = {};
  for (const [name, spec] of Object.entries(SQL) as [keyof typeof SQL, Spec][]) {
    const statement = db.prepare<unknown[], unknown>(spec.sql);
    prepared[name] = spec.pluck ? statement.pluck() : statement;
  }
  return prepared as Statements;
}
