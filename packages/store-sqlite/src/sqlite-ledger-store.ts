import Database from 'better-sqlite3';
import {
  GENESIS_HASH,
  LEDGER_BLOCK_SIZE,
  LedgerVerifier,
  TwinError,
  TwinErrorCode,
  applyLedgerEvents,
  checkAppend,
  checkQueryLimit,
  decodeLedgerEvent,
  encodeLedgerEvent,
  hashBlock,
  unknownSimulation,
  type JsonObject,
  type LedgerBlock,
  type LedgerEvent,
  type LedgerHead,
  type LedgerQuery,
  type LedgerStore,
  type LedgerVerification,
  type SimulationRecord,
} from '@doppel/twin';
import { simulationParams, toSimulationRecord, type SimulationRow } from './catalog.js';
import { CHUNK_SIZE, ColumnsBuilder, KIND_ASSET, KIND_EVENT_TYPE, chunkFirstSeq, chunkOf } from './chunk-columns.js';
import { LedgerReader, blockOf, decoded } from './ledger-reader.js';
import { MAX_BLOCK_INDEX, MAX_SIM_KEY, migrate, rowId } from './schema.js';
import { prepareStatements, type Statements } from './statements.js';

export interface SqliteLedgerStoreOptions {
  /**
   * `normal` (default): in WAL mode every committed append survives a crash of the process, and a power loss can
   * only drop the last appends, never leave a torn one; the ledger is derived data that a re-run regenerates.
   * `full`: also fsync the WAL at each commit, so committed appends survive a power loss, at the price of one
   * fsync per append.
   */
  readonly synchronous?: 'normal' | 'full';
}

interface FullRow {
  id: number;
  count: number;
  prev_hash: string;
  hash: string | null;
  times: Buffer;
  body: string;
}

type NewNames = [kind: number, name: string][];

/** Whether a canonical record text starts with `[seq,`, without building a string per record. */
function holdsSeq(text: string, seq: number): boolean {
  if (text.charCodeAt(0) !== 91) return false;
  let value = 0;
  let i = 1;
  for (let code = text.charCodeAt(i); code >= 48 && code <= 57; code = text.charCodeAt(++i))
    value = value * 10 + code - 48;
  return i > 1 && text.charCodeAt(i) === 44 && value === seq;
}

/**
 * LedgerStore on SQLite (better-sqlite3): WAL, prepared statements, one transaction per append so a crash leaves
 * only whole batches, one row per hash block (see schema.ts). Each method does its work synchronously when
 * called, so appends apply in call order.
 */
export class SqliteLedgerStore implements LedgerStore {
  readonly db: Database.Database;
  private readonly sql: Statements;
  private readonly reader: LedgerReader;
  /** Interned names -> name_key, per kind (asset ids, event types). */
  private readonly names: readonly [Map<string, number>, Map<string, number>] = [new Map(), new Map()];

  static open(path: string, options: SqliteLedgerStoreOptions = {}): SqliteLedgerStore {
    return new SqliteLedgerStore(path, options);
  }

  constructor(path: string, options: SqliteLedgerStoreOptions = {}) {
    this.db = new Database(path);
    // Rows are ~40 KB blocks: large pages mean fewer overflow pages per row (only effective on a new file).
    this.db.pragma('page_size = 16384');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('cache_size = -65536');
    migrate(this.db);
    this.sql = prepareStatements(this.db);
    this.reader = new LedgerReader(this.sql);
    for (const row of this.sql.allNames.all() as { name_key: number; kind: number; name: string }[]) {
      this.names[row.kind].set(row.name, row.name_key);
    }
  }

  async createSimulation(record: SimulationRecord): Promise<void> {
    this.db.transaction(() => {
      if (this.sql.simKey.get(record.simId) !== undefined) {
        throw new TwinError(TwinErrorCode.InvalidState, `Simulation "${record.simId}" already exists`, {
          simId: record.simId,
        });
      }
      this.sql.insertSimulation.run(this.freeSimKey(), ...simulationParams(record));
    })();
  }

  async getSimulation(simId: string): Promise<SimulationRecord | null> {
    const row = this.sql.getSimulation.get(simId) as SimulationRow | undefined;
    return row === undefined ? null : toSimulationRecord(row);
  }

  async listSimulations(): Promise<SimulationRecord[]> {
    return (this.sql.listSimulations.all() as SimulationRow[]).map(toSimulationRecord);
  }

  async deleteSimulation(simId: string): Promise<void> {
    this.db.transaction(() => {
      const simKey = this.sql.simKey.get(simId) as number | undefined;
      if (simKey === undefined) return;
      this.clearLedger(simKey, 0);
      this.sql.deleteSimulation.run(simKey);
    })();
  }

  async append(
    simId: string,
    records: readonly LedgerEvent[],
    sealed: readonly LedgerBlock[],
    encoded?: readonly string[],
  ): Promise<void> {
    const simKey = this.keyOf(simId);
    const added: NewNames = [];
    try {
      this.db.transaction(() => this.appendInTransaction(simId, simKey, records, sealed, encoded, added))();
    } catch (error) {
      // Names interned by a rolled-back append were never stored.
      for (const [kind, name] of added) this.names[kind].delete(name);
      throw error;
    } finally {
      this.reader.invalidate();
    }
  }

  async truncate(simId: string, afterSeq: number): Promise<void> {
    const simKey = this.keyOf(simId);
    const keep = Math.max(0, Math.floor(afterSeq));
    this.db.transaction(() => this.clearLedger(simKey, keep))();
  }

  async copyPrefix(fromSimId: string, toSimId: string, uptoSeq: number): Promise<void> {
    const from = this.keyOf(fromSimId);
    const to = this.keyOf(toSimId);
    this.db.transaction(() => {
      const available = this.reader.tip(from).seq;
      if (!Number.isInteger(uptoSeq) || uptoSeq < 0 || uptoSeq > available) {
        throw new TwinError(
          TwinErrorCode.LedgerGap,
          `Cannot copy ${uptoSeq} records of "${fromSimId}": it holds ${available}`,
          { simId: fromSimId, uptoSeq, available },
        );
      }
      if (this.reader.tip(to).seq > 0) {
        throw new TwinError(TwinErrorCode.InvalidState, `Simulation "${toSimId}" already has a ledger`, {
          simId: toSimId,
        });
      }
      this.clearLedger(to, 0);
      if (uptoSeq === 0) return;
      this.sql.copyRows.run(rowId(to, 0) - rowId(from, 0), rowId(from, 0), rowId(from, blockOf(uptoSeq)));
      this.sql.copySnapshots.run(to, from, uptoSeq);
      this.sql.copyChunks.run(to, from, chunkOf(uptoSeq));
      this.trimTail(to, uptoSeq);
    })();
  }

  async query(query: LedgerQuery): Promise<LedgerEvent[]> {
    return (await this.queryTexts(query)).map(decodeLedgerEvent);
  }

  async queryTexts(query: LedgerQuery): Promise<string[]> {
    checkQueryLimit(query);
    const simKey = this.keyOf(query.simId);
    return this.db.transaction(() => this.reader.queryTexts(simKey, query, (kind, name) => this.nameKey(kind, name)))();
  }

  async head(simId: string): Promise<LedgerHead> {
    const simKey = this.keyOf(simId);
    return this.db.transaction(() => {
      const tip = this.reader.tip(simKey);
      if (tip.last === null) return { seq: 0, simTime: 0, hash: GENESIS_HASH };
      const body = this.sql.rowBody.get(rowId(simKey, tip.last.index)) as string;
      const hash = tip.last.hash ?? hashBlock(tip.last.prevHash, [body]);
      return { seq: tip.seq, simTime: tip.simTime, hash };
    })();
  }

  async verify(simId: string): Promise<LedgerVerification> {
    const simKey = this.keyOf(simId);
    return this.db.transaction(() => {
      const range = [rowId(simKey, 0), rowId(simKey, MAX_BLOCK_INDEX)];
      const rows = this.sql.rowsMetaRange.all(...range) as Omit<FullRow, 'times' | 'body'>[];
      const blocks: LedgerBlock[] = [];
      const extra: string[] = [];
      rows.forEach((row, position) => {
        const index = row.id - rowId(simKey, 0);
        if (row.hash !== null) {
          const firstSeq = index * LEDGER_BLOCK_SIZE + 1;
          blocks.push({
            index,
            firstSeq,
            lastSeq: firstSeq + LEDGER_BLOCK_SIZE - 1,
            prevHash: row.prev_hash,
            hash: row.hash,
          });
        } else if (position !== rows.length - 1) extra.push(`Block ${index} is open but not the last one`);
        else if (row.prev_hash !== (blocks[blocks.length - 1]?.hash ?? GENESIS_HASH)) {
          extra.push(`The open block ${index} does not chain to the block before it`);
        }
      });
      const verifier = new LedgerVerifier(blocks);
      for (const [id, body] of this.sql.rowsBodyRange.raw().iterate(...range) as Iterable<[number, string]>) {
        const first = (id - rowId(simKey, 0)) * LEDGER_BLOCK_SIZE + 1;
        body.split('\n').forEach((text, i) => verifier.add(first + i, text));
      }
      const result = verifier.finish();
      if (extra.length === 0) return result;
      return { ...result, ok: false, problems: [...result.problems, ...extra] };
    })();
  }

  async stateAt(simId: string, t: number, assetIds?: readonly string[]): Promise<Map<string, JsonObject>> {
    const simKey = this.keyOf(simId);
    return this.db.transaction(() => {
      const end = this.reader.lastSeqAtOrBefore(simKey, t);
      const snapshot = this.sql.latestSnapshot.get(simKey, t, end) as { seq: number; states: string } | undefined;
      const states = new Map<string, JsonObject>(
        snapshot === undefined ? [] : Object.entries(JSON.parse(snapshot.states) as Record<string, JsonObject>),
      );
      const from = (snapshot?.seq ?? 0) + 1;
      if (assetIds === undefined) {
        applyLedgerEvents(states, decoded(this.reader.textRange(simKey, from, end)));
        return states;
      }
      const wanted = new Map<string, JsonObject>();
      for (const id of assetIds) {
        const state = states.get(id);
        if (state !== undefined) wanted.set(id, state);
      }
      const keys = assetIds.map((id) => this.nameKey(KIND_ASSET, id)).filter((k) => k !== undefined);
      applyLedgerEvents(
        wanted,
        decoded(this.reader.textsMatching(simKey, KIND_ASSET, new Set(keys), from, end, 'asc')),
      );
      return wanted;
    })();
  }

  async putSnapshot(
    simId: string,
    seq: number,
    simTime: number,
    states: ReadonlyMap<string, JsonObject>,
  ): Promise<void> {
    const simKey = this.keyOf(simId);
    const tip = this.reader.tip(simKey).seq;
    if (!Number.isInteger(seq) || seq < 0 || seq > tip) {
      throw new TwinError(TwinErrorCode.InvalidArguments, `Snapshot seq ${seq} is beyond the ledger`, { simId, seq });
    }
    if (seq > 0 && simTime < this.reader.timeOf(simKey, seq)) {
      throw new TwinError(TwinErrorCode.InvalidArguments, `Snapshot time ${simTime} is before record ${seq}`, {
        simId,
        seq,
        simTime,
      });
    }
    // Snapshots are not hashed, so any JSON will do: plain JSON.stringify is the fastest (no canonical key order).
    this.sql.putSnapshot.run(simKey, seq, simTime, JSON.stringify(Object.fromEntries(states)));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private appendInTransaction(
    simId: string,
    simKey: number,
    records: readonly LedgerEvent[],
    sealed: readonly LedgerBlock[],
    encoded: readonly string[] | undefined,
    added: NewNames,
  ): void {
    const tip = this.reader.tip(simKey);
    checkAppend(
      simId,
      {
        seq: tip.seq,
        simTime: tip.simTime,
        blockCount: tip.sealedBlocks,
        lastBlockHash: tip.lastSealedHash ?? GENESIS_HASH,
      },
      records,
      sealed,
    );
    if (records.length === 0) return;
    if (blockOf(records[records.length - 1].seq) > MAX_BLOCK_INDEX) {
      throw new TwinError(TwinErrorCode.InvalidState, `Ledger of ${simId} exceeds its maximum size`, { simId });
    }
    const texts = encoded !== undefined && encoded.length === records.length ? encoded : records.map(encodeLedgerEvent);
    // A misaligned `encoded` array shows at its ends; checking every record would cost more than storing it.
    const lastIndex = records.length - 1;
    if (
      encoded !== undefined &&
      !(holdsSeq(texts[0], records[0].seq) && holdsSeq(texts[lastIndex], records[lastIndex].seq))
    ) {
      throw new TwinError(TwinErrorCode.LedgerCorrupt, `Encoded texts of ${simId} do not match the records`, { simId });
    }
    const columns = new ColumnsBuilder();
    // The name caches are read directly on this path (a batch is thousands of records); misses go through intern.
    const assetKeys = this.names[KIND_ASSET];
    const typeKeys = this.names[KIND_EVENT_TYPE];
    for (const record of records) {
      const assetKey = assetKeys.get(record.assetId) ?? this.intern(KIND_ASSET, record.assetId, added);
      const typeKey = typeKeys.get(record.eventType) ?? this.intern(KIND_EVENT_TYPE, record.eventType, added);
      columns.add(record.seq, assetKey, typeKey);
    }
    for (const part of columns.columns()) this.sql.upsertChunk.run(simKey, part.chunk, part.assets, part.types);
    this.writeBlocks(simKey, tip.seq, tip.lastSealedHash ?? GENESIS_HASH, records, texts, sealed);
  }

  /** Writes the records into block rows: first completing the open row, if any, then new rows. */
  private writeBlocks(
    simKey: number,
    storedSeq: number,
    lastSealedHash: string,
    records: readonly LedgerEvent[],
    texts: readonly string[],
    sealed: readonly LedgerBlock[],
  ): void {
    const hashes = new Map(sealed.map((block) => [block.index, block.hash]));
    let prevHash = lastSealedHash;
    let index = blockOf(storedSeq + 1);
    let open =
      storedSeq % LEDGER_BLOCK_SIZE === 0 ? undefined : (this.sql.rowFull.get(rowId(simKey, index)) as FullRow);
    for (let i = 0; i < records.length; index++) {
      const already = open?.count ?? 0;
      const take = Math.min(records.length - i, LEDGER_BLOCK_SIZE - already);
      const times = Buffer.allocUnsafe((already + take) * 8);
      if (open !== undefined) open.times.copy(times, 0, 0, already * 8);
      for (let k = 0; k < take; k++) times.writeDoubleLE(records[i + k].simTime, (already + k) * 8);
      const fresh = texts.slice(i, i + take).join('\n');
      const body = open === undefined ? fresh : `${open.body}\n${fresh}`;
      const count = already + take;
      const hash = count === LEDGER_BLOCK_SIZE ? (hashes.get(index) ?? null) : null;
      const firstTime = times.readDoubleLE(0);
      const lastTime = records[i + take - 1].simTime;
      this.sql.putRow.run(rowId(simKey, index), count, firstTime, lastTime, prevHash, hash, times, body);
      if (hash !== null) prevHash = hash;
      i += take;
      open = undefined;
    }
  }

  private intern(kind: number, name: string, added: NewNames): number {
    const known = this.nameKey(kind, name);
    if (known !== undefined) return known;
    const key = Number(this.sql.insertName.run(kind, name).lastInsertRowid);
    this.names[kind].set(name, key);
    added.push([kind, name]);
    return key;
  }

  /** The key of a name, looking in the file when the cache misses: another connection may have added it. */
  private nameKey(kind: number, name: string): number | undefined {
    const cached = this.names[kind].get(name);
    if (cached !== undefined) return cached;
    const stored = this.sql.nameKey.get(kind, name) as number | undefined;
    if (stored !== undefined) this.names[kind].set(name, stored);
    return stored;
  }

  /** Drops records after `keep` with their blocks, snapshots and chunk columns (keep 0: the whole ledger). */
  private clearLedger(simKey: number, keep: number): void {
    this.reader.invalidate();
    const firstDropped = keep === 0 ? 0 : blockOf(keep) + 1;
    this.sql.deleteRows.run(rowId(simKey, firstDropped), rowId(simKey, MAX_BLOCK_INDEX));
    this.sql.deleteSnapshotsAfter.run(simKey, keep);
    this.sql.deleteChunksAfter.run(simKey, keep === 0 ? -1 : chunkOf(keep));
    this.trimTail(simKey, keep);
  }

  /** Cuts the block row and the chunk columns holding `keep` after it; a cut block becomes the open block. */
  private trimTail(simKey: number, keep: number): void {
    this.reader.invalidate();
    if (keep === 0) return;
    const chunk = chunkOf(keep);
    const entries = keep - chunkFirstSeq(chunk) + 1;
    if (entries < CHUNK_SIZE) this.sql.trimChunk.run(entries * 4, entries * 4, simKey, chunk);
    const index = blockOf(keep);
    const count = keep - index * LEDGER_BLOCK_SIZE;
    const row = this.sql.rowFull.get(rowId(simKey, index)) as FullRow | undefined;
    if (row === undefined || row.count <= count) return;
    const body = row.body.split('\n').slice(0, count).join('\n');
    const times = row.times.subarray(0, count * 8);
    const [firstTime, lastTime] = [times.readDoubleLE(0), times.readDoubleLE((count - 1) * 8)];
    this.sql.putRow.run(row.id, count, firstTime, lastTime, row.prev_hash, null, times, body);
  }

  private keyOf(simId: string): number {
    const simKey = this.sql.simKey.get(simId) as number | undefined;
    if (simKey === undefined) throw unknownSimulation(simId);
    return simKey;
  }

  private freeSimKey(): number {
    const next = (this.sql.maxSimKey.get() as number | null) ?? 0;
    if (next + 1 <= MAX_SIM_KEY) return next + 1;
    const gap = this.sql.simKeyGap.get() as number | undefined;
    if (gap === undefined || gap > MAX_SIM_KEY) {
      throw new TwinError(TwinErrorCode.InvalidState, `A database holds at most ${MAX_SIM_KEY} simulations`);
    }
    return gap;
  }
}
