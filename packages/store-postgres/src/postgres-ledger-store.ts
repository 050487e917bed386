import pg from 'pg';
import {
  GENESIS_HASH,
  LEDGER_BLOCK_SIZE,
  LedgerHasher,
  LedgerVerifier,
  TwinError,
  TwinErrorCode,
  applyLedgerEvents,
  checkAppend,
  checkQueryLimit,
  decodeLedgerEvent,
  unknownSimulation,
  type JsonObject,
  type LedgerBlock,
  type LedgerEvent,
  type LedgerHead,
  type LedgerQuery,
  type LedgerStore,
  type LedgerTip,
  type LedgerVerification,
  type SimulationRecord,
} from '@doppel/twin';
import { appendStatements, tipAfter, type AcceptedAppend } from './append-batch.js';
import { runCopyPipeline } from './copy-pipeline.js';
import { quoteIdent, schemaStatements } from './schema.js';

export interface PostgresLedgerStoreOptions {
  /** postgres://user@host:port/db; `?schema=name` picks the schema (default `doppel`). */
  readonly url: string;
  /** Overrides the URL's schema. */
  readonly schema?: string;
}

/**
 * At most this many records are written in one transaction when appends queue up behind a call in flight (a writer
 * does not await its appends): fewer, larger transactions, with a bound on the memory one group holds.
 */
const GROUP_RECORDS = 65_536;

/** An append waiting for its group to be written. */
interface PendingAppend {
  readonly simId: string;
  readonly records: readonly LedgerEvent[];
  readonly sealed: readonly LedgerBlock[];
  readonly encoded?: readonly string[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Records per page when verify streams a ledger: bounded memory for any ledger length. */
const VERIFY_PAGE = 20_000;

/**
 * The LedgerStore on PostgreSQL, so many machines share one history. One connection; every call is applied in the
 * order it is made (a promise chain), which the port requires of appends the writer does not await. Appends that
 * queue up behind a call in flight are written together: one transaction and one round trip (their records and the
 * blocks they seal through COPY), each after `checkAppend` against the tip.
 */
export class PostgresLedgerStore implements LedgerStore {
  private readonly client: pg.Client;
  private readonly s: string;
  private chain: Promise<unknown> = Promise.resolve();
  /** The group of appends still open to later appends (nothing else was called since it was started). */
  private open: PendingAppend[] | undefined;
  private openRecords = 0;
  /** The tip of each ledger this store has touched: an append needs no read first. */
  private readonly tips = new Map<number, LedgerTip>();
  private readonly keys = new Map<string, number>();

  private constructor(client: pg.Client, schema: string) {
    this.client = client;
    this.s = quoteIdent(schema);
  }

  /** Connects, and creates the schema and its tables if they are missing. */
  static async open(options: PostgresLedgerStoreOptions): Promise<PostgresLedgerStore> {
    const url = new URL(options.url);
    const schema = options.schema ?? url.searchParams.get('schema') ?? 'doppel';
    url.searchParams.delete('schema');
    quoteIdent(schema);
    const client = new pg.Client({ connectionString: url.toString() });
    client.on('error', () => undefined); // a dropped connection fails the next call, which names it
    await client.connect();
    try {
      await client.query('SET client_min_messages TO warning');
      for (const statement of schemaStatements(schema)) await client.query(statement);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return new PostgresLedgerStore(client, schema);
  }

  createSimulation(record: SimulationRecord): Promise<void> {
    return this.serial(async () => {
      const result = await this.client.query<{ sim_key: number }>(
        `INSERT INTO ${this.s}.simulations (sim_id, record) VALUES ($1, $2) ON CONFLICT (sim_id) DO NOTHING
         RETURNING sim_key`,
        [record.simId, JSON.stringify(record)],
      );
      if (result.rowCount === 0) {
        throw new TwinError(TwinErrorCode.InvalidState, `Simulation "${record.simId}" already exists`, {
          simId: record.simId,
        });
      }
      this.keys.set(record.simId, result.rows[0].sim_key);
      this.tips.set(result.rows[0].sim_key, { seq: 0, simTime: 0, blockCount: 0, lastBlockHash: GENESIS_HASH });
    });
  }

  getSimulation(simId: string): Promise<SimulationRecord | null> {
    return this.serial(async () => {
      const result = await this.client.query<{ record: SimulationRecord }>(
        `SELECT record FROM ${this.s}.simulations WHERE sim_id = $1`,
        [simId],
      );
      return result.rows[0]?.record ?? null;
    });
  }

  listSimulations(): Promise<SimulationRecord[]> {
    return this.serial(async () => {
      const result = await this.client.query<{ record: SimulationRecord }>(
        `SELECT record FROM ${this.s}.simulations ORDER BY sim_key`,
      );
      return result.rows.map((row) => row.record);
    });
  }

  deleteSimulation(simId: string): Promise<void> {
    return this.serial(async () => {
      const key = this.keys.get(simId);
      if (key !== undefined) this.tips.delete(key);
      this.keys.delete(simId);
      await this.transaction(async () => {
        await this.client.query(
          `DELETE FROM ${this.s}.ledger WHERE sim_key = (SELECT sim_key FROM ${this.s}.simulations WHERE sim_id = $1)`,
          [simId],
        );
        await this.client.query(`DELETE FROM ${this.s}.simulations WHERE sim_id = $1`, [simId]);
      });
    });
  }

  append(
    simId: string,
    records: readonly LedgerEvent[],
    sealed: readonly LedgerBlock[],
    encoded?: readonly string[],
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const pending: PendingAppend = { simId, records, sealed, encoded, resolve, reject };
      if (this.open !== undefined && this.openRecords + records.length <= GROUP_RECORDS) {
        this.open.push(pending);
        this.openRecords += records.length;
        return;
      }
      const group = [pending];
      void this.serial(() => this.writeGroup(group));
      this.open = group; // after serial(), which closes any open group
      this.openRecords = records.length;
    });
  }

  truncate(simId: string, afterSeq: number): Promise<void> {
    return this.serial(async () => {
      const key = await this.keyOf(simId);
      const keep = Math.max(0, Math.floor(afterSeq));
      await this.transaction(async () => {
        await this.client.query(`DELETE FROM ${this.s}.ledger WHERE sim_key = $1 AND seq > $2`, [key, keep]);
        await this.client.query(`DELETE FROM ${this.s}.blocks WHERE sim_key = $1 AND last_seq > $2`, [key, keep]);
        await this.client.query(`DELETE FROM ${this.s}.snapshots WHERE sim_key = $1 AND seq > $2`, [key, keep]);
      });
      this.tips.delete(key);
    });
  }

  copyPrefix(fromSimId: string, toSimId: string, uptoSeq: number): Promise<void> {
    return this.serial(async () => {
      const from = await this.keyOf(fromSimId);
      const to = await this.keyOf(toSimId);
      const available = (await this.tip(from)).seq;
      if (!Number.isInteger(uptoSeq) || uptoSeq < 0 || uptoSeq > available) {
        throw new TwinError(
          TwinErrorCode.LedgerGap,
          `Cannot copy ${uptoSeq} records of "${fromSimId}": it holds ${available}`,
          { simId: fromSimId, uptoSeq, available },
        );
      }
      if ((await this.tip(to)).seq > 0) {
        throw new TwinError(TwinErrorCode.InvalidState, `Simulation "${toSimId}" already has a ledger`, {
          simId: toSimId,
        });
      }
      await this.transaction(async () => {
        await this.client.query(
          `INSERT INTO ${this.s}.ledger (sim_key, seq, sim_time, asset_id, event_type, body)
           SELECT $2, seq, sim_time, asset_id, event_type, body FROM ${this.s}.ledger WHERE sim_key = $1 AND seq <= $3`,
          [from, to, uptoSeq],
        );
        await this.client.query(
          `INSERT INTO ${this.s}.blocks (sim_key, index, first_seq, last_seq, prev_hash, hash)
           SELECT $2, index, first_seq, last_seq, prev_hash, hash FROM ${this.s}.blocks
           WHERE sim_key = $1 AND last_seq <= $3`,
          [from, to, uptoSeq],
        );
        await this.client.query(
          `INSERT INTO ${this.s}.snapshots (sim_key, seq, sim_time, states)
           SELECT $2, seq, sim_time, states FROM ${this.s}.snapshots WHERE sim_key = $1 AND seq <= $3`,
          [from, to, uptoSeq],
        );
      });
      this.tips.delete(to);
    });
  }

  async query(query: LedgerQuery): Promise<LedgerEvent[]> {
    return (await this.queryTexts(query)).map(decodeLedgerEvent);
  }

  queryTexts(query: LedgerQuery): Promise<string[]> {
    return this.serial(async () => {
      checkQueryLimit(query);
      const key = await this.keyOf(query.simId);
      const where = ['sim_key = $1'];
      const values: unknown[] = [key];
      const add = (clause: string, value: unknown): void => {
        values.push(value);
        where.push(clause.replace('?', `$${values.length}`));
      };
      if (query.assetId !== undefined) add('asset_id = ?', query.assetId);
      if (query.eventTypes !== undefined) add('event_type = ANY(?::text[])', query.eventTypes);
      if (query.fromTime !== undefined) add('sim_time >= ?::float8', query.fromTime);
      if (query.toTime !== undefined) add('sim_time <= ?::float8', query.toTime);
      if (query.afterSeq !== undefined) add('seq > ?::float8', query.afterSeq);
      let sql = `SELECT body FROM ${this.s}.ledger WHERE ${where.join(' AND ')} ORDER BY seq ${
        query.order === 'desc' ? 'DESC' : 'ASC'
      }`;
      if (query.limit !== undefined) {
        values.push(query.limit);
        sql += ` LIMIT $${values.length}`;
      }
      const result = await this.client.query<{ body: string }>(sql, values);
      return result.rows.map((row) => row.body);
    });
  }

  head(simId: string): Promise<LedgerHead> {
    return this.serial(async () => {
      const key = await this.keyOf(simId);
      const tip = await this.tip(key);
      const last = await this.client.query<LedgerBlock>(
        `SELECT index, first_seq AS "firstSeq", last_seq AS "lastSeq", prev_hash AS "prevHash", hash
         FROM ${this.s}.blocks WHERE sim_key = $1 AND index = $2`,
        [key, tip.blockCount - 1],
      );
      const tail = await this.client.query<{ body: string }>(
        `SELECT body FROM ${this.s}.ledger WHERE sim_key = $1 AND seq > $2 ORDER BY seq`,
        [key, tip.blockCount * LEDGER_BLOCK_SIZE],
      );
      const { seq, hash } = LedgerHasher.restore(
        last.rows[0] ?? null,
        tail.rows.map((row) => row.body),
      ).head();
      return { seq, simTime: seq === 0 ? 0 : tip.simTime, hash };
    });
  }

  verify(simId: string): Promise<LedgerVerification> {
    return this.serial(async () => {
      const key = await this.keyOf(simId);
      const blocks = await this.client.query<LedgerBlock>(
        `SELECT index, first_seq AS "firstSeq", last_seq AS "lastSeq", prev_hash AS "prevHash", hash
         FROM ${this.s}.blocks WHERE sim_key = $1 ORDER BY index`,
        [key],
      );
      const verifier = new LedgerVerifier(blocks.rows);
      for (let after = 0; ;) {
        const page = await this.client.query<{ seq: number; body: string }>(
          `SELECT seq, body FROM ${this.s}.ledger WHERE sim_key = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
          [key, after, VERIFY_PAGE],
        );
        for (const row of page.rows) verifier.add(row.seq, row.body);
        if (page.rows.length < VERIFY_PAGE) break;
        after = page.rows[page.rows.length - 1].seq;
      }
      return verifier.finish();
    });
  }

  stateAt(simId: string, t: number, assetIds?: readonly string[]): Promise<Map<string, JsonObject>> {
    return this.serial(async () => {
      const key = await this.keyOf(simId);
      const snapshot = await this.client.query<{ seq: number; states: string }>(
        `SELECT seq, states FROM ${this.s}.snapshots WHERE sim_key = $1 AND sim_time <= $2::float8
         ORDER BY seq DESC LIMIT 1`,
        [key, t],
      );
      const from = snapshot.rows[0];
      const states = new Map<string, JsonObject>(
        from === undefined ? [] : (JSON.parse(from.states) as [string, JsonObject][]),
      );
      // Sim time never decreases along seq, so the records up to t form a prefix.
      const records = await this.client.query<{ body: string }>(
        `SELECT body FROM ${this.s}.ledger WHERE sim_key = $1 AND seq > $2 AND sim_time <= $3::float8 ORDER BY seq`,
        [key, from?.seq ?? 0, t],
      );
      applyLedgerEvents(
        states,
        records.rows.map((row) => decodeLedgerEvent(row.body)),
      );
      if (assetIds === undefined) return states;
      const wanted = new Map<string, JsonObject>();
      for (const id of assetIds) {
        const state = states.get(id);
        if (state !== undefined) wanted.set(id, state);
      }
      return wanted;
    });
  }

  putSnapshot(simId: string, seq: number, simTime: number, states: ReadonlyMap<string, JsonObject>): Promise<void> {
    return this.serial(async () => {
      const key = await this.keyOf(simId);
      const tip = await this.tip(key);
      if (!Number.isInteger(seq) || seq < 0 || seq > tip.seq) {
        throw new TwinError(TwinErrorCode.InvalidArguments, `Snapshot seq ${seq} is beyond the ledger`, { simId, seq });
      }
      if (seq > 0) {
        const at = await this.client.query<{ sim_time: number }>(
          `SELECT sim_time FROM ${this.s}.ledger WHERE sim_key = $1 AND seq = $2`,
          [key, seq],
        );
        if (simTime < (at.rows[0]?.sim_time ?? 0)) {
          throw new TwinError(TwinErrorCode.InvalidArguments, `Snapshot time ${simTime} is before record ${seq}`, {
            simId,
            seq,
            simTime,
          });
        }
      }
      await this.client.query(
        `INSERT INTO ${this.s}.snapshots (sim_key, seq, sim_time, states) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sim_key, seq) DO UPDATE SET sim_time = EXCLUDED.sim_time, states = EXCLUDED.states`,
        [key, seq, simTime, JSON.stringify([...states])],
      );
    });
  }

  close(): Promise<void> {
    return this.serial(() => this.client.end());
  }

  /** Runs `work` after every call made before it, whatever their outcome. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    this.open = undefined; // a later append must not be written before this call runs
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async transaction(work: () => Promise<void>): Promise<void> {
    await this.client.query('BEGIN');
    try {
      await work();
      await this.client.query('COMMIT');
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /**
   * Writes a group of appends in one transaction and one round trip. Each is checked against the tip the ones before
   * it leave (as if they ran one by one); one that fails its check is rejected alone. If the write fails, none of the
   * group is there and all of them are rejected.
   */
  private async writeGroup(group: readonly PendingAppend[]): Promise<void> {
    if (this.open === group) this.open = undefined;
    const accepted: { pending: PendingAppend; append: AcceptedAppend }[] = [];
    const tips = new Map<number, LedgerTip>();
    for (const pending of group) {
      try {
        const key = await this.keyOf(pending.simId);
        const tip = tips.get(key) ?? (await this.tip(key));
        checkAppend(pending.simId, tip, pending.records, pending.sealed);
        tips.set(key, tipAfter(tip, pending.records, pending.sealed));
        accepted.push({ pending, append: { key, ...pending } });
      } catch (error) {
        pending.reject(error);
      }
    }
    const statements = appendStatements(
      this.s,
      accepted.map(({ append }) => append),
    );
    try {
      if (statements.length > 0) await runCopyPipeline(this.client, statements);
    } catch (error) {
      for (const key of tips.keys()) this.tips.delete(key); // another writer may have moved on: read the tip again
      for (const { pending } of accepted) pending.reject(error);
      return;
    }
    for (const [key, tip] of tips) this.tips.set(key, tip);
    for (const { pending } of accepted) pending.resolve();
  }

  private async keyOf(simId: string): Promise<number> {
    const known = this.keys.get(simId);
    if (known !== undefined) return known;
    const result = await this.client.query<{ sim_key: number }>(
      `SELECT sim_key FROM ${this.s}.simulations WHERE sim_id = $1`,
      [simId],
    );
    const key = result.rows[0]?.sim_key;
    if (key === undefined) throw unknownSimulation(simId);
    this.keys.set(simId, key);
    return key;
  }

  private async tip(key: number): Promise<LedgerTip> {
    const known = this.tips.get(key);
    if (known !== undefined) return known;
    const last = await this.client.query<{ seq: number; sim_time: number }>(
      `SELECT seq, sim_time FROM ${this.s}.ledger WHERE sim_key = $1 ORDER BY seq DESC LIMIT 1`,
      [key],
    );
    const block = await this.client.query<{ index: number; hash: string }>(
      `SELECT index, hash FROM ${this.s}.blocks WHERE sim_key = $1 ORDER BY index DESC LIMIT 1`,
      [key],
    );
    const tip: LedgerTip = {
      seq: last.rows[0]?.seq ?? 0,
      simTime: last.rows[0]?.sim_time ?? 0,
      blockCount: block.rows.length === 0 ? 0 : block.rows[0].index + 1,
      lastBlockHash: block.rows[0]?.hash ?? GENESIS_HASH,
    };
    this.tips.set(key, tip);
    return tip;
  }
}
