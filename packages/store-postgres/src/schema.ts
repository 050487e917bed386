/**
 * The tables of a ledger store, created in the store's schema when it opens. A simulation's rows are keyed by a
 * small integer (`sim_key`) so the ledger's rows stay narrow; each record is kept as the canonical text the ledger
 * writer produced (the hash chain is over exactly that text), with the columns queries filter on beside it.
 */
export function schemaStatements(schema: string): string[] {
  const s = quoteIdent(schema);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.simulations (
      sim_key serial PRIMARY KEY,
      sim_id text NOT NULL UNIQUE,
      record jsonb NOT NULL
    )`,
    // No foreign key on the ledger: its check is a trigger per row, about a tenth of a bulk COPY's server time here;
    // deleting a simulation deletes its records explicitly in the same transaction.
    `CREATE TABLE IF NOT EXISTS ${s}.ledger (
      sim_key integer NOT NULL,
      seq integer NOT NULL,
      sim_time double precision NOT NULL,
      asset_id text NOT NULL,
      event_type text NOT NULL,
      body text NOT NULL,
      PRIMARY KEY (sim_key, seq)
    )`,
    `CREATE INDEX IF NOT EXISTS ledger_asset ON ${s}.ledger (sim_key, asset_id, seq)`,
    `ALTER TABLE ${s}.ledger DROP CONSTRAINT IF EXISTS ledger_sim_key_fkey`,
    // Sim time grows with seq and rows arrive in seq order, so a block-range index finds a time range at a fraction
    // of a B-tree's cost per appended row (measured: the B-tree took about 15% of a COPY's server time).
    `DROP INDEX IF EXISTS ${s}.ledger_time`,
    `CREATE INDEX IF NOT EXISTS ledger_time_range ON ${s}.ledger USING brin (sim_time)`,
    `CREATE TABLE IF NOT EXISTS ${s}.blocks (
      sim_key integer NOT NULL REFERENCES ${s}.simulations (sim_key) ON DELETE CASCADE,
      index integer NOT NULL,
      first_seq integer NOT NULL,
      last_seq integer NOT NULL,
      prev_hash text NOT NULL,
      hash text NOT NULL,
      PRIMARY KEY (sim_key, index)
    )`,
    `CREATE TABLE IF NOT EXISTS ${s}.snapshots (
      sim_key integer NOT NULL REFERENCES ${s}.simulations (sim_key) ON DELETE CASCADE,
      seq integer NOT NULL,
      sim_time double precision NOT NULL,
      states text NOT NULL,
      PRIMARY KEY (sim_key, seq)
    )`,
  ];
}

/** A schema name as an SQL identifier: letters, digits and underscores only, checked where it enters. */
export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new RangeError(`schema: expected letters, digits and underscores (at most 63), found "${name}"`);
  }
  return `"${name}"`;
}

/** One value in COPY's text format: backslash, tab, newline and carriage return escaped. */
export function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}
