import { Environment } from '@doppel/engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ASSET_CREATED,
  AssetRegistry,
  LedgerWriter,
  PackRegistry,
  TwinError,
  foldStates,
  jsonEqual,
  type AssetKindDefinition,
  type LedgerEvent,
} from '../src/index.js';
import { queuePack } from './fixtures/queue-pack.js';

const stationKind: AssetKindDefinition = {
  kind: 'station',
  title: 'Station',
  description: 'A swap station.',
  state: z.strictObject({
    bays: z.number().int().min(0),
    queue_length: z.number().int().min(0),
    tags: z.array(z.string()),
  }),
  interventions: [],
  kpis: [],
};

function setup(validateUpdates = false) {
  const env = new Environment({ seed: 1 });
  const records: LedgerEvent[] = [];
  const writer = new LedgerWriter({ simId: 'sim-test', batchSize: 1 });
  writer.subscribe((batch) => records.push(...batch));
  const twin = new AssetRegistry({ env, ledger: writer, kinds: [stationKind], validateUpdates });
  return { env, twin, records, writer };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof TwinError ? error.code : `not a TwinError: ${String(error)}`;
  }
  return undefined;
}

describe('AssetRegistry', () => {
  it('records ASSET_CREATED with the full state and the kind', () => {
    const { twin, records } = setup();
    const s = twin.createAsset('station', 's1', { bays: 4, queue_length: 0, tags: [] }, { runtime: true });
    expect(s.state).toEqual({ bays: 4, queue_length: 0, tags: [] });
    expect(s.runtime).toEqual({ runtime: true });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      seq: 1,
      simTime: 0,
      assetId: 's1',
      eventType: ASSET_CREATED,
      oldValue: null,
      newValue: { bays: 4, queue_length: 0, tags: [] },
      meta: { kind: 'station' },
      origin: 'sim',
    });
  });

  it('rejects unknown kinds, duplicates and invalid initial states', () => {
    const { twin } = setup();
    twin.createAsset('station', 's1', { bays: 4, queue_length: 0, tags: [] });
    expect(codeOf(() => twin.createAsset('battery', 'b1', {}))).toBe('DOPPEL_ERR_INVALID_ARGUMENTS');
    expect(codeOf(() => twin.createAsset('station', 's1', { bays: 4, queue_length: 0, tags: [] }))).toBe(
      'DOPPEL_ERR_DUPLICATE_ASSET',
    );
    expect(codeOf(() => twin.createAsset('station', 's2', { bays: -1, queue_length: 0, tags: [] }))).toBe(
      'DOPPEL_ERR_INVALID_STATE',
    );
  });

  it('records only the changed fields and skips no-op updates unless always', () => {
    const { twin, records } = setup();
    const s = twin.createAsset('station', 's1', { bays: 4, queue_length: 0, tags: ['a'] });
    const before = s.state;
    twin.update(s, { bays: 4, queue_length: 1, tags: ['a'] }, 'QUEUE_INCREMENT', { reason: 'arrival' });
    expect(records[1]).toMatchObject({
      eventType: 'QUEUE_INCREMENT',
      oldValue: { queue_length: 0 },
      newValue: { queue_length: 1 },
      meta: { reason: 'arrival' },
    });
    // The old state object is a valid snapshot: it is replaced, never mutated.
    expect(before).toEqual({ bays: 4, queue_length: 0, tags: ['a'] });
    expect(s.state).toEqual({ bays: 4, queue_length: 1, tags: ['a'] });
    twin.update(s, { queue_length: 1 }, 'NOTHING');
    expect(records).toHaveLength(2);
    twin.update(s, { queue_length: 1 }, 'HEARTBEAT', null, { always: true });
    expect(records[2]).toMatchObject({ eventType: 'HEARTBEAT', oldValue: null, newValue: null });
    twin.emit(s, 'RIDER_ARRIVED', { rider: 'r1' });
    expect(records[3]).toMatchObject({
      eventType: 'RIDER_ARRIVED',
      oldValue: null,
      newValue: null,
      meta: { rider: 'r1' },
    });
  });

  it('validates updates against the schema only in debug mode', () => {
    const debug = setup(true);
    const s = debug.twin.createAsset('station', 's1', { bays: 4, queue_length: 0, tags: [] });
    expect(codeOf(() => debug.twin.update(s, { queue_length: -3 }, 'BAD'))).toBe('DOPPEL_ERR_INVALID_STATE');
    const fast = setup(false);
    const f = fast.twin.createAsset('station', 's1', { bays: 4, queue_length: 0, tags: [] });
    fast.twin.update(f, { queue_length: -3 }, 'BAD');
    expect(f.state.queue_length).toBe(-3);
  });

  it('attributes events to the intervention origin while a handler runs', () => {
    const { twin, records } = setup();
    const s = twin.createAsset('station', 's1', { bays: 4, queue_length: 0, tags: [] });
    expect(twin.origin).toBe('sim');
    twin.withOrigin('intervention', () => {
      expect(twin.origin).toBe('intervention');
      twin.update(s, { bays: 3 }, 'BAY_CLOSED');
    });
    expect(twin.origin).toBe('sim');
    expect(() =>
      twin.withOrigin('intervention', () => {
        throw new Error('handler failed');
      }),
    ).toThrow('handler failed');
    expect(twin.origin).toBe('sim');
    expect(records[1].origin).toBe('intervention');
  });

  it('looks assets up by id and kind in creation order, and refuses foreign assets', () => {
    const { twin } = setup();
    twin.createAsset('station', 'b', { bays: 1, queue_length: 0, tags: [] });
    twin.createAsset('station', 'a', { bays: 1, queue_length: 0, tags: [] });
    expect(twin.assets().map((a) => a.id)).toEqual(['b', 'a']);
    expect(twin.assets('station').map((a) => a.id)).toEqual(['b', 'a']);
    expect(twin.assets('battery')).toEqual([]);
    expect(twin.asset('a')?.kind).toBe('station');
    expect(twin.asset('zzz')).toBeUndefined();
    const other = setup().twin.createAsset('station', 'a', { bays: 1, queue_length: 0, tags: [] });
    expect(codeOf(() => twin.update(other, { bays: 2 }, 'X'))).toBe('DOPPEL_ERR_UNKNOWN_ASSET');
  });

  it('folding the ledger gives the live state (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ q: fc.integer({ min: 0, max: 5 }), bays: fc.integer({ min: 0, max: 3 }), tag: fc.boolean() }),
          {
            maxLength: 40,
          },
        ),
        (patches) => {
          const { twin, writer, records } = setup();
          const s = twin.createAsset('station', 's1', { bays: 2, queue_length: 0, tags: [] as string[] });
          for (const p of patches)
            twin.update(s, { queue_length: p.q, bays: p.bays, tags: p.tag ? ['x'] : [] }, 'CHANGE');
          void writer.flush();
          expect(foldStates(records).get('s1')).toEqual(s.state);
          expect(records.every((r) => r.newValue === null || Object.keys(r.newValue).length > 0)).toBe(true);
        },
      ),
    );
  });

  it('compares JSON values structurally', () => {
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
    expect(jsonEqual({ a: null }, { b: null })).toBe(false);
  });
});

describe('PackRegistry', () => {
  it('looks up packs, kinds and interventions', () => {
    const packs = new PackRegistry([queuePack]);
    expect(packs.pack('queue')).toBe(queuePack);
    expect(packs.assetKind('queue', 'queue')?.title).toBe('Queue');
    expect(packs.intervention('queue', 'queue', 'outage')?.name).toBe('outage');
    expect(packs.intervention('queue', 'queue', 'nope')).toBeUndefined();
    expect(codeOf(() => packs.pack('swap'))).toBe('DOPPEL_ERR_UNKNOWN_PACK');
    expect(codeOf(() => packs.register(queuePack))).toBe('DOPPEL_ERR_INVALID_ARGUMENTS');
  });

  it('describes packs as JSON with JSON Schemas of intervention arguments', () => {
    const description = new PackRegistry([queuePack]).describe('queue');
    expect(JSON.parse(JSON.stringify(description))).toEqual(description);
    expect(description.kpis.map((k) => k.name)).toEqual(['arrivals', 'served', 'queued']);
    const outage = description.assetKinds[0].interventions.find((i) => i.name === 'outage');
    expect(outage?.argsSchema).toMatchObject({
      type: 'object',
      properties: { duration_seconds: { type: 'number', exclusiveMinimum: 0 } },
      required: ['duration_seconds'],
      additionalProperties: false,
    });
    expect(description.assetKinds[0].stateSchema).toMatchObject({ type: 'object' });
  });
});
