import {
  LEDGER_BLOCK_SIZE,
  decodeLedgerEvent,
  ledgerTextEventType,
  type LedgerEvent,
  type LedgerQuery,
} from '@doppel/twin';
import { KIND_ASSET, KIND_EVENT_TYPE, chunkOf, matchingSeqs } from './chunk-columns.js';
import { MAX_BLOCK_INDEX, rowId } from './schema.js';
import type { Statements } from './statements.js';

export const blockOf = (seq: number): number => Math.floor((seq - 1) / LEDGER_BLOCK_SIZE);

/** The end of a ledger as stored: its last row (a sealed block or the open tail). */
export interface StoredTip {
  readonly seq: number;
  readonly simTime: number;
  readonly sealedBlocks: number;
  readonly lastSealedHash: string | null;
  /** The last row, or null for an empty ledger. */
  readonly last: { index: number; count: number; prevHash: string; hash: string | null } | null;
}

interface RowMeta {
  id: number;
  count: number;
  last_time: number;
  prev_hash: string;
  hash: string | null;
}

/**
 * Read paths over block rows. Sim time never decreases along seq (appends enforce it), so a time range is a seq
 * range found by binary search on rows, then on the row's times; asset and event-type filters scan chunk columns.
 */
export class LedgerReader {
  /** The last row split into records: consecutive reads mostly hit the same block. */
  private cached: { id: number; texts: string[] } | null = null;

  constructor(private readonly sql: Statements) {}

  /** Must be called by every write to the ledger table. */
  invalidate(): void {
    this.cached = null;
  }

  tip(simKey: number): StoredTip {
    const row = this.sql.lastRowMeta.get(rowId(simKey, 0), rowId(simKey, MAX_BLOCK_INDEX)) as RowMeta | undefined;
    if (row === undefined) return { seq: 0, simTime: 0, sealedBlocks: 0, lastSealedHash: null, last: null };
    const index = row.id - rowId(simKey, 0);
    const sealed = row.hash !== null;
    return {
      seq: index * LEDGER_BLOCK_SIZE + row.count,
      simTime: row.last_time,
      sealedBlocks: sealed ? index + 1 : index,
      lastSealedHash: sealed ? row.hash : index === 0 ? null : row.prev_hash,
      last: { index, count: row.count, prevHash: row.prev_hash, hash: row.hash },
    };
  }

  /** Canonical texts of block `index`. */
  texts(simKey: number, index: number): string[] {
    const id = rowId(simKey, index);
    if (this.cached?.id === id) return this.cached.texts;
    const body = this.sql.rowBody.get(id) as string | undefined;
    const texts = body === undefined ? [] : body.split('\n');
    this.cached = { id, texts };
    return texts;
  }

  text(simKey: number, seq: number): string {
    return this.texts(simKey, blockOf(seq))[(seq - 1) % LEDGER_BLOCK_SIZE];
  }

  timeOf(simKey: number, seq: number): number {
    const times = this.sql.rowTimes.get(rowId(simKey, blockOf(seq))) as Buffer;
    return times.readDoubleLE(((seq - 1) % LEDGER_BLOCK_SIZE) * 8);
  }

  /** Highest seq whose sim time is <= t (0 if none). */
  lastSeqAtOrBefore(simKey: number, t: number, tipSeq = this.tip(simKey).seq): number {
    // Last block whose first record is at or before t, then the last record of that block at or before t.
    if (tipSeq === 0) return 0;
    let lo = -1;
    let hi = blockOf(tipSeq);
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if ((this.sql.rowFirstTime.get(rowId(simKey, mid)) as number) <= t) lo = mid;
      else hi = mid - 1;
    }
    if (lo < 0) return 0;
    let seqLo = lo * LEDGER_BLOCK_SIZE + 1;
    let seqHi = Math.min(tipSeq, (lo + 1) * LEDGER_BLOCK_SIZE);
    while (seqLo < seqHi) {
      const mid = Math.ceil((seqLo + seqHi) / 2);
      if (this.timeOf(simKey, mid) <= t) seqLo = mid;
      else seqHi = mid - 1;
    }
    return seqLo;
  }

  /** Lowest seq whose sim time is >= t (tip + 1 if none). */
  firstSeqAtOrAfter(simKey: number, t: number, tipSeq = this.tip(simKey).seq): number {
    if (tipSeq === 0) return 1;
    // First block whose last record is at or after t, then the first such record inside it.
    const lastBlock = blockOf(tipSeq);
    let lo = 0;
    let hi = lastBlock + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if ((this.sql.rowLastTime.get(rowId(simKey, mid)) as number) >= t) hi = mid;
      else lo = mid + 1;
    }
    if (lo > lastBlock) return tipSeq + 1;
    let seqLo = lo * LEDGER_BLOCK_SIZE + 1;
    let seqHi = Math.min(tipSeq, (lo + 1) * LEDGER_BLOCK_SIZE);
    while (seqLo < seqHi) {
      const mid = Math.floor((seqLo + seqHi) / 2);
      if (this.timeOf(simKey, mid) >= t) seqHi = mid;
      else seqLo = mid + 1;
    }
    return seqLo;
  }

  /** Canonical texts of the records from..to (inclusive) in seq order, or reversed. */
  *textRange(simKey: number, from: number, to: number, order: 'asc' | 'desc' = 'asc'): Generator<string> {
    if (from > to) return;
    const first = blockOf(from);
    const last = blockOf(to);
    const step = order === 'asc' ? 1 : -1;
    for (let index = order === 'asc' ? first : last; index >= first && index <= last; index += step) {
      const texts = this.texts(simKey, index);
      const base = index * LEDGER_BLOCK_SIZE + 1;
      const lo = Math.max(from, base) - base;
      const hi = Math.min(to, base + texts.length - 1) - base;
      if (order === 'asc') for (let i = lo; i <= hi; i++) yield texts[i];
      else for (let i = hi; i >= lo; i--) yield texts[i];
    }
  }

  /** Canonical texts of the records within from..to whose asset (or event type) key is one of `keys`, in seq order (or reversed). */
  *textsMatching(
    simKey: number,
    kind: number,
    keys: ReadonlySet<number>,
    from: number,
    to: number,
    order: 'asc' | 'desc',
  ): Generator<string> {
    if (from > to || keys.size === 0) return;
    const first = chunkOf(from);
    const last = chunkOf(to);
    const step = order === 'asc' ? 1 : -1;
    const column = kind === KIND_ASSET ? this.sql.chunkAssets : this.sql.chunkTypes;
    for (let chunk = order === 'asc' ? first : last; chunk >= first && chunk <= last; chunk += step) {
      const blob = column.get(simKey, chunk) as Buffer | undefined;
      if (blob === undefined) continue;
      const seqs = matchingSeqs(chunk, blob, keys);
      if (order === 'desc') seqs.reverse();
      for (const seq of seqs) {
        if (seq >= from && seq <= to) yield this.text(simKey, seq);
      }
    }
  }

  /** Canonical texts of the records the query selects, as stored (the store's `query` decodes them). */
  queryTexts(
    simKey: number,
    query: LedgerQuery,
    nameKey: (kind: number, name: string) => number | undefined,
  ): string[] {
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    const tipSeq = this.tip(simKey).seq;
    let from = Math.max(1, Math.floor(query.afterSeq ?? 0) + 1);
    let to = tipSeq;
    if (query.fromTime !== undefined) from = Math.max(from, this.firstSeqAtOrAfter(simKey, query.fromTime, tipSeq));
    if (query.toTime !== undefined) to = Math.min(to, this.lastSeqAtOrBefore(simKey, query.toTime, tipSeq));
    if (limit === 0 || from > to) return [];
    const order = query.order ?? 'asc';
    let texts: Iterable<string>;
    let types: ReadonlySet<string> | null = null;
    if (query.assetId !== undefined || query.eventTypes !== undefined) {
      const byAsset = query.assetId !== undefined;
      const wanted = byAsset ? [query.assetId as string] : (query.eventTypes ?? []);
      const kind = byAsset ? KIND_ASSET : KIND_EVENT_TYPE;
      const keys = new Set(wanted.map((name) => nameKey(kind, name)).filter((key) => key !== undefined));
      types = byAsset && query.eventTypes !== undefined ? new Set(query.eventTypes) : null;
      texts = this.textsMatching(simKey, kind, keys, from, to, order);
    } else {
      texts = this.textRange(simKey, from, to, order);
    }
    const out: string[] = [];
    for (const text of texts) {
      if (types !== null && !types.has(ledgerTextEventType(text))) continue;
      out.push(text);
      if (out.length >= limit) break;
    }
    return out;
  }
}

/** The records of canonical texts, decoded one at a time as they are iterated. */
export function* decoded(texts: Iterable<string>): Generator<LedgerEvent> {
  for (const text of texts) yield decodeLedgerEvent(text);
}
