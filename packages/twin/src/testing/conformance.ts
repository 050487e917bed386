import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '../contracts/json.js';
import {
  GENESIS_HASH,
  LEDGER_BLOCK_SIZE,
  type LedgerEvent,
  type LedgerQuery,
  type LedgerStore,
} from '../contracts/ledger.js';
import { TwinErrorCode } from '../errors.js';
import { encodeLedgerEvent } from '../ledger/encoding.js';
import { foldStates } from '../ledger/fold.js';
import { LedgerWriter } from '../ledger/writer.js';
import {
  TEST_EVENT_TYPES,
  appendInBatches,
  expectedHeadHash,
  hasherAfter,
  syntheticLedger,
  testSimulationRecord,
} from './ledger-fixtures.js';

export interface LedgerStoreUnderTest {
  readonly store: LedgerStore;
  cleanup(): Promise<void>;
  /**
   * Changes the stored content of record `seq` of `simId` behind the store's back, without touching the hash
   * chain. Optional: when given, the suite checks that verify() detects it.
   */
  tamper?(simId: string, seq: number): Promise<void>;
}

export type LedgerStoreFactory = () => Promise<LedgerStoreUnderTest>;

const texts = (records: readonly LedgerEvent[]): string[] => records.map(encodeLedgerEvent);
const code = (value: string) => expect.objectContaining({ code: value });

/** The oracle for queries: filters written out over the full record list. */
function expectedQuery(records: readonly LedgerEvent[], q: Omit<LedgerQuery, 'simId'>): LedgerEvent[] {
  const matched = records.filter(
    (r) =>
      (q.assetId === undefined || r.assetId === q.assetId) &&
      (q.eventTypes === undefined || q.eventTypes.includes(r.eventType)) &&
      (q.fromTime === undefined || r.simTime >= q.fromTime) &&
      (q.toTime === undefined || r.simTime <= q.toTime) &&
      (q.afterSeq === undefined || r.seq > q.afterSeq),
  );
  if (q.order === 'desc') matched.reverse();
  return q.limit === undefined ? matched : matched.slice(0, q.limit);
}

const sortedEntries = (states: Map<string, JsonObject>) => [...states].sort(([a], [b]) => (a < b ? -1 : 1));

/** Records with sim time <= t: a prefix, since sim time never decreases along seq. */
const upTo = (records: readonly LedgerEvent[], t: number) => records.filter((r) => r.simTime <= t);

/** The suite every LedgerStore must pass. Call it from a test file of the store's package. */
export function describeLedgerStoreConformance(name: string, makeStore: LedgerStoreFactory): void {
  describe(`LedgerStore conformance: ${name}`, () => {
    let subject: LedgerStoreUnderTest;
    let store: LedgerStore;
    beforeEach(async () => {
      subject = await makeStore();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    const create = async (...simIds: string[]) => {
      for (const simId of simIds) await store.createSimulation(testSimulationRecord(simId));
    };

    it('creates, gets, lists and deletes simulations', async () => {
      const withAccount = testSimulationRecord('sim-b', {
        account: 'acme',
        parentSimId: 'sim-a',
        forkSeq: 17,
        scenarioJson: '{"name":"ünïcode ✓"}',
      });
      await store.createSimulation(testSimulationRecord('sim-a'));
      await store.createSimulation(withAccount);
      expect(await store.getSimulation('sim-b')).toMatchObject(withAccount);
      const a = await store.getSimulation('sim-a');
      expect(a).toMatchObject({ ...testSimulationRecord('sim-a') });
      expect(a?.account ?? null).toBeNull();
      expect(await store.getSimulation('nope')).toBeNull();
      expect((await store.listSimulations()).map((s) => s.simId).sort()).toEqual(['sim-a', 'sim-b']);
      await expect(store.createSimulation(testSimulationRecord('sim-a'))).rejects.toEqual(
        code(TwinErrorCode.InvalidState),
      );
      await appendInBatches(store, 'sim-a', syntheticLedger(300), [300]);
      await store.deleteSimulation('sim-a');
      expect(await store.getSimulation('sim-a')).toBeNull();
      expect((await store.listSimulations()).map((s) => s.simId)).toEqual(['sim-b']);
      await expect(store.head('sim-a')).rejects.toEqual(code(TwinErrorCode.UnknownSimulation));
      await store.createSimulation(testSimulationRecord('sim-a'));
      expect((await store.head('sim-a')).seq).toBe(0);
    });

    it('rejects ledger operations on an unknown simulation', async () => {
      const unknown = code(TwinErrorCode.UnknownSimulation);
      await expect(store.append('ghost', syntheticLedger(1), [])).rejects.toEqual(unknown);
      await expect(store.query({ simId: 'ghost' })).rejects.toEqual(unknown);
      await expect(store.queryTexts({ simId: 'ghost' })).rejects.toEqual(unknown);
      await expect(store.head('ghost')).rejects.toEqual(unknown);
      await expect(store.verify('ghost')).rejects.toEqual(unknown);
      await expect(store.stateAt('ghost', 0)).rejects.toEqual(unknown);
      await expect(store.truncate('ghost', 0)).rejects.toEqual(unknown);
    });

    it('starts empty at the genesis hash', async () => {
      await create('s');
      expect(await store.head('s')).toEqual({ seq: 0, simTime: 0, hash: GENESIS_HASH });
      expect(await store.verify('s')).toEqual({ ok: true, validPrefixSeq: 0, headHash: GENESIS_HASH, problems: [] });
      expect(await store.query({ simId: 's' })).toEqual([]);
      expect((await store.stateAt('s', 1e9)).size).toBe(0);
    });

    it('stores records exactly: many batches equal one batch, with or without encoded texts', async () => {
      await create('one', 'many', 'writer');
      const records = syntheticLedger(1500);
      await appendInBatches(store, 'one', records, [records.length]);
      await appendInBatches(store, 'many', records, [1, 7, 255, 256, 257, 100], undefined, true);
      const writer = new LedgerWriter({ simId: 'writer', store, batchSize: 333 });
      for (const r of records)
        writer.append(r.simTime, r.assetId, r.eventType, r.oldValue, r.newValue, r.meta, r.origin);
      await writer.flush();
      const head = { seq: 1500, simTime: records[1499].simTime, hash: expectedHeadHash(records) };
      for (const simId of ['one', 'many', 'writer']) {
        expect(texts(await store.query({ simId }))).toEqual(texts(records));
        // The stored texts are the canonical texts themselves, whether the store was handed them or not.
        expect(await store.queryTexts({ simId })).toEqual(texts(records));
        expect(await store.head(simId)).toEqual(head);
        expect(await store.verify(simId)).toEqual({
          ok: true,
          validPrefixSeq: 1500,
          headHash: head.hash,
          problems: [],
        });
      }
      expect(writer.head()).toEqual(head);
    });

    it('rejects seq gaps and overlaps atomically with DOPPEL_ERR_LEDGER_GAP', async () => {
      await create('s');
      const records = syntheticLedger(20);
      const hasher = await appendInBatches(store, 's', records.slice(0, 10), [10]);
      const before = await store.head('s');
      const gap = code(TwinErrorCode.LedgerGap);
      await expect(store.append('s', records.slice(11, 15), [])).rejects.toEqual(gap);
      await expect(store.append('s', records.slice(4, 12), [])).rejects.toEqual(gap);
      await expect(store.append('s', [records[10], records[12]], [])).rejects.toEqual(gap);
      expect(await store.head('s')).toEqual(before);
      await appendInBatches(store, 's', records.slice(10), [3], hasher);
      expect(await store.head('s')).toEqual({ seq: 20, simTime: records[19].simTime, hash: expectedHeadHash(records) });
    });

    it('rejects missing or unchained blocks and time going back with DOPPEL_ERR_LEDGER_CORRUPT', async () => {
      await create('s');
      const records = syntheticLedger(LEDGER_BLOCK_SIZE + 10);
      const corrupt = code(TwinErrorCode.LedgerCorrupt);
      await expect(store.append('s', records, [])).rejects.toEqual(corrupt);
      const hasher = hasherAfter([]);
      records.forEach((r) => hasher.add(encodeLedgerEvent(r)));
      const [block] = hasher.takeSealed();
      await expect(store.append('s', records, [{ ...block, prevHash: 'f'.repeat(64) }])).rejects.toEqual(corrupt);
      const backwards = [records[8], { ...records[9], simTime: -1 }];
      await expect(store.append('s', [...records.slice(0, 8), ...backwards], [])).rejects.toEqual(corrupt);
      expect((await store.head('s')).seq).toBe(0);
      await store.append('s', records, [block]);
      expect((await store.verify('s')).ok).toBe(true);
    });

    it('answers queries by asset, event types, time range, paging, limit and order', async () => {
      await create('s', 'other');
      const records = syntheticLedger(1200);
      await appendInBatches(store, 's', records, [400]);
      await appendInBatches(store, 'other', syntheticLedger(50, { variant: 3 }), [50]);
      const queries: Omit<LedgerQuery, 'simId'>[] = [
        {},
        { assetId: 'station_03' },
        { assetId: 'missing' },
        { eventTypes: ['SWAP_COMPLETED'] },
        { eventTypes: ['SWAP_COMPLETED', 'CHARGE_TICK'], assetId: 'station_05' },
        { eventTypes: [] },
        { fromTime: 300, toTime: 450 },
        { fromTime: 7.5, toTime: 7.5 },
        { toTime: 0 },
        { afterSeq: 1190 },
        { afterSeq: 100, limit: 25 },
        { afterSeq: 99.5, limit: 3 },
        { afterSeq: -10, limit: 2 },
        { afterSeq: 5000 },
        { order: 'desc', limit: 10 },
        { order: 'desc', afterSeq: 1150 },
        { order: 'desc', assetId: 'station_01', fromTime: 100, afterSeq: 500, limit: 7 },
        { limit: 0 },
        { assetId: 'station_02', eventTypes: ['QUEUE_INCREMENT'], fromTime: 50, toTime: 2000, order: 'asc' },
      ];
      for (const q of queries) {
        const got = await store.query({ simId: 's', ...q });
        expect(texts(got), JSON.stringify(q)).toEqual(texts(expectedQuery(records, q)));
        expect(await store.queryTexts({ simId: 's', ...q }), JSON.stringify(q)).toEqual(texts(got));
      }
      const paged: LedgerEvent[] = [];
      for (let after = 0; ;) {
        const page = await store.query({ simId: 's', assetId: 'station_04', afterSeq: after, limit: 37 });
        if (page.length === 0) break;
        paged.push(...page);
        after = page[page.length - 1].seq;
      }
      expect(texts(paged)).toEqual(texts(records.filter((r) => r.assetId === 'station_04')));
    });

    it('truncates and accepts a different future, at and between block boundaries', async () => {
      await create('s');
      const records = syntheticLedger(1000);
      await appendInBatches(store, 's', records, [300]);
      for (const keep of [700, 512, 300, 0]) {
        await store.truncate('s', keep);
        const prefix = records.slice(0, keep);
        expect(await store.head('s')).toEqual({
          seq: keep,
          simTime: keep === 0 ? 0 : records[keep - 1].simTime,
          hash: expectedHeadHash(prefix),
        });
        expect((await store.verify('s')).ok).toBe(true);
        expect(texts(await store.query({ simId: 's', afterSeq: keep - 5 }))).toEqual(texts(prefix.slice(-5)));
      }
      const future = syntheticLedger(600, { variant: 1 });
      await appendInBatches(store, 's', future, [250], hasherAfter([]));
      await store.truncate('s', 450);
      const next = [...future.slice(0, 450), ...syntheticLedger(200, { variant: 2, fromSeq: 451 })];
      await appendInBatches(store, 's', next.slice(450), [64], hasherAfter(next.slice(0, 450)));
      expect(await store.head('s')).toEqual({ seq: 650, simTime: next[649].simTime, hash: expectedHeadHash(next) });
      expect(await store.verify('s')).toMatchObject({ ok: true, validPrefixSeq: 650 });
      expect(texts(await store.query({ simId: 's' }))).toEqual(texts(next));
    });

    it('copies a prefix for a branch whose head at the fork equals the parent prefix hash', async () => {
      await create('parent', 'branch', 'early');
      const records = syntheticLedger(900);
      await appendInBatches(store, 'parent', records, [256]);
      const fork = 600;
      await store.copyPrefix('parent', 'branch', fork);
      expect(await store.head('branch')).toEqual({
        seq: fork,
        simTime: records[fork - 1].simTime,
        hash: expectedHeadHash(records.slice(0, fork)),
      });
      const branchFuture = syntheticLedger(200, { variant: 5, fromSeq: fork + 1 });
      await appendInBatches(store, 'branch', branchFuture, [90], hasherAfter(records.slice(0, fork)));
      const branchRecords = [...records.slice(0, fork), ...branchFuture];
      expect(texts(await store.query({ simId: 'branch' }))).toEqual(texts(branchRecords));
      expect(await store.verify('branch')).toMatchObject({ ok: true, headHash: expectedHeadHash(branchRecords) });
      expect((await store.head('parent')).hash).toBe(expectedHeadHash(records));
      await store.copyPrefix('parent', 'early', 0);
      expect((await store.head('early')).seq).toBe(0);
      await create('late', 'occupied');
      await expect(store.copyPrefix('parent', 'late', 901)).rejects.toEqual(code(TwinErrorCode.LedgerGap));
      await appendInBatches(store, 'occupied', records.slice(0, 3), [3]);
      await expect(store.copyPrefix('parent', 'occupied', 10)).rejects.toEqual(code(TwinErrorCode.InvalidState));
    });

    it('folds the state at any instant exactly like foldStates over the prefix', async () => {
      await create('s');
      const records = syntheticLedger(1100);
      await appendInBatches(store, 's', records, [512]);
      for (const t of [0, 7.5, 100, 1234.5, 2692.5, 1e9]) {
        const expected = foldStates(upTo(records, t));
        expect(sortedEntries(await store.stateAt('s', t)), `t=${t}`).toEqual(sortedEntries(expected));
        const some = await store.stateAt('s', t, ['station_01', 'station_06', 'missing']);
        expect(sortedEntries(some)).toEqual(
          sortedEntries(expected).filter(([id]) => ['station_01', 'station_06'].includes(id)),
        );
      }
    });

    it('gives the same stateAt answers with snapshots, which truncate drops beyond its seq', async () => {
      await create('s');
      const records = syntheticLedger(1100);
      await appendInBatches(store, 's', records, [1100]);
      for (const seq of [8, 300, 700, 1000]) {
        await store.putSnapshot('s', seq, records[seq - 1].simTime, foldStates(records.slice(0, seq)));
      }
      const instants = [0, 3, 100, records[299].simTime, records[299].simTime + 1, 1500, 2500, 1e9];
      for (const t of instants) {
        expect(sortedEntries(await store.stateAt('s', t)), `t=${t}`).toEqual(
          sortedEntries(foldStates(upTo(records, t))),
        );
      }
      await store.truncate('s', 800);
      const kept = records.slice(0, 800);
      for (const t of instants) {
        expect(sortedEntries(await store.stateAt('s', t)), `t=${t}`).toEqual(sortedEntries(foldStates(upTo(kept, t))));
      }
      await expect(store.putSnapshot('s', 900, 1e9, new Map())).rejects.toEqual(code(TwinErrorCode.InvalidArguments));
    });

    it('verify accepts the intact chain and detects a changed record in a sealed block (with a tamper hook)', async () => {
      if (subject.tamper === undefined) {
        await create('s');
        await appendInBatches(store, 's', syntheticLedger(600), [600]);
        expect((await store.verify('s')).ok).toBe(true);
        return;
      }
      await create('s');
      const records = syntheticLedger(1000);
      await appendInBatches(store, 's', records, [1000]);
      await subject.tamper('s', 600);
      const result = await store.verify('s');
      expect(result.ok).toBe(false);
      expect(result.validPrefixSeq).toBe(2 * LEDGER_BLOCK_SIZE);
      expect(result.headHash).toBe(expectedHeadHash(records.slice(0, 2 * LEDGER_BLOCK_SIZE)));
      expect(result.problems.length).toBeGreaterThan(0);
    });

    it('property: any batching of any ledger gives the same head, verification and queries', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 700 }),
          fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 6 }),
          fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 6 }),
          fc.integer({ min: 1, max: 12 }),
          fc.integer({ min: 0, max: 9 }),
          async (n, batchingA, batchingB, assets, variant) => {
            const records = syntheticLedger(n, { assets, variant });
            const [a, b] = [`a-${n}-${variant}-${batchingA.join('.')}`, `b-${n}-${variant}-${batchingB.join('.')}`];
            await create(a, b);
            await appendInBatches(store, a, records, batchingA);
            await appendInBatches(store, b, records, batchingB, undefined, true);
            const headA = await store.head(a);
            expect(headA.hash).toBe(expectedHeadHash(records));
            expect(await store.head(b)).toEqual(headA);
            expect(await store.verify(b)).toEqual(await store.verify(a));
            const q = { assetId: 'station_00', eventTypes: [TEST_EVENT_TYPES[variant % 4]], afterSeq: n >> 2 };
            expect(texts(await store.query({ simId: b, ...q }))).toEqual(texts(await store.query({ simId: a, ...q })));
            expect(texts(await store.query({ simId: a, ...q }))).toEqual(texts(expectedQuery(records, q)));
            expect(await store.queryTexts({ simId: b, ...q })).toEqual(texts(expectedQuery(records, q)));
            await store.deleteSimulation(a);
            await store.deleteSimulation(b);
          },
        ),
        { numRuns: 25 },
      );
    });
  });
}
