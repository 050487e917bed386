import { decodeLedgerEvent, type LedgerEvent, type LedgerQuery } from '@doppel/twin';
import { KIND_ASSET, KIND_EVENT_TYPE, chunkOf, matchingSeqs } from './chunk-columns.js';
import { MAX_SEQ, rowId } from './schema.js';
import type { Statements } from './statements.js';

/**
 * Read paths of the SQLite ledger. Sim time never decreases along seq (appends enforce it), so a time range is a
 * seq range found by binary search on the primary key; asset and event-type filters scan the chunk columns.
 */
export class LedgerReader {
  constructor(private readonly sql: Statements) {}

  tip(simKey: number): { seq: number; simTime: number } {
    const row = this.sql.lastRow.get(rowId(simKey, 1), rowId(simKey, MAX_SEQ)) as
      { id: number; sim_time: number } | undefined;
    return row === undefined ? { seq: 0, simTime: 0 } : { seq: row.id - rowId(simKey, 0), simTime: row.sim_time };
  }

  tipSeq(simKey: number): number {
    return this.tip(simKey).seq;
  }

  timeOf(simKey: number, seq: number): number {
    return this.sql.timeOf.get(rowId(simKey, seq)) as number;
  }

  /** Highest seq whose sim time is <= t (0 if none). */
  lastSeqAtOrBefore(simKey: number, t: number): number {
    let lo = 0;
    let hi = this.tipSeq(simKey);
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.timeOf(simKey, mid) <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Lowest seq whose sim time is >= t (tip + 1 if none). */
  firstSeqAtOrAfter(simKey: number, t: number): number {
    let lo = 1;
    let hi = this.tipSeq(simKey) + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.timeOf(simKey, mid) >= t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Records from..to in seq order. */
  *decodeRange(simKey: number, from: number, to: number): Generator<LedgerEvent> {
    if (from > to) return;
    for (const body of this.sql.bodies.iterate(rowId(simKey, from), rowId(simKey, to)) as Iterable<string>) {
      yield decodeLedgerEvent(body);
    }
  }

  /** Records within from..to whose asset (or event type) key is one of `keys`, in seq order (or reversed). */
  *decodeMatching(
    simKey: number,
    kind: number,
    keys: ReadonlySet<number>,
    from: number,
    to: number,
    order: 'asc' | 'desc',
  ): Generator<LedgerEvent> {
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
        if (seq < from || seq > to) continue;
        yield decodeLedgerEvent(this.sql.body.get(rowId(simKey, seq)) as string);
      }
    }
  }

  query(simKey: number, query: LedgerQuery, names: readonly ReadonlyMap<string, number>[]): LedgerEvent[] {
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    let from = Math.max(1, Math.floor(query.afterSeq ?? 0) + 1);
    let to = this.tipSeq(simKey);
    if (query.fromTime !== undefined) from = Math.max(from, this.firstSeqAtOrAfter(simKey, query.fromTime));
    if (query.toTime !== undefined) to = Math.min(to, this.lastSeqAtOrBefore(simKey, query.toTime));
    if (limit === 0 || from > to) return [];
    const order = query.order ?? 'asc';
    const out: LedgerEvent[] = [];
    if (query.assetId !== undefined || query.eventTypes !== undefined) {
      const byAsset = query.assetId !== undefined;
      const wanted = byAsset ? [query.assetId as string] : (query.eventTypes ?? []);
      const kind = byAsset ? KIND_ASSET : KIND_EVENT_TYPE;
      const keys = new Set(wanted.map((name) => names[kind].get(name)).filter((key) => key !== undefined));
      const types = byAsset && query.eventTypes !== undefined ? new Set(query.eventTypes) : null;
      for (const event of this.decodeMatching(simKey, kind, keys, from, to, order)) {
        if (types !== null && !types.has(event.eventType)) continue;
        out.push(event);
        if (out.length >= limit) break;
      }
      return out;
    }
    const statement = order === 'asc' ? this.sql.bodiesAsc : this.sql.bodiesDesc;
    const rows = statement.all(rowId(simKey, from), rowId(simKey, to), Number.isFinite(limit) ? limit : -1);
    for (const body of rows as string[]) out.push(decodeLedgerEvent(body));
    return out;
  }
}
