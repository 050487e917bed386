import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, type Json, type JsonObject, type LedgerEvent } from '../src/index.js';
import {
  decodeLedgerEvent,
  encodeLedgerEvent,
  fastCanonicalJson,
  ledgerEventJson,
  ledgerTextEventType,
} from '../src/ledger/index.js';

const jsonValue: fc.Arbitrary<Json> = fc.jsonValue() as fc.Arbitrary<Json>;
const jsonObject = fc.dictionary(fc.string(), jsonValue) as fc.Arbitrary<JsonObject>;
const record: fc.Arbitrary<LedgerEvent> = fc.record({
  seq: fc.integer({ min: 1, max: 2 ** 40 }),
  simTime: fc.double({ noNaN: true, noDefaultInfinity: true }),
  assetId: fc.string(),
  eventType: fc.string(),
  oldValue: fc.option(jsonObject, { nil: null }),
  newValue: fc.option(jsonObject, { nil: null }),
  meta: fc.option(jsonObject, { nil: null }),
  origin: fc.constantFrom('sim', 'intervention', 'live', 'replay' as const),
});

describe('ledger record encoding', () => {
  it('fastCanonicalJson gives the bytes of canonicalJson for any JSON value', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        expect(fastCanonicalJson(value)).toBe(canonicalJson(value));
      }),
    );
  });

  it('fastCanonicalJson agrees with canonicalJson on loose objects (undefined members, any key order, null prototype)', () => {
    const outcome = (f: () => string): string => {
      try {
        return f();
      } catch (error) {
        return `throws ${(error as Error).name}`;
      }
    };
    fc.assert(
      fc.property(fc.object({ maxDepth: 3, withNullPrototype: true }), (value) => {
        expect(outcome(() => fastCanonicalJson(value))).toBe(outcome(() => canonicalJson(value)));
      }),
    );
  });

  it('sorts index-like keys as text and keeps __proto__ as a member', () => {
    const value = JSON.parse('{"b":1,"10":[2,{"z":0,"__proto__":3}],"9":null,"a":{"y":1,"x":2}}') as JsonObject;
    expect(fastCanonicalJson(value)).toBe(canonicalJson(value));
    expect(fastCanonicalJson(value)).toBe('{"10":[2,{"__proto__":3,"z":0}],"9":null,"a":{"x":2,"y":1},"b":1}');
  });

  it('encodes the record as the canonical JSON of its fields, without the simulation id', () => {
    fc.assert(
      fc.property(record, (event) => {
        const { seq, simTime, assetId, eventType, oldValue, newValue, meta, origin } = event;
        expect(encodeLedgerEvent(event)).toBe(
          canonicalJson([seq, simTime, assetId, eventType, oldValue, newValue, meta, origin]),
        );
      }),
    );
  });

  it('decodes what it encodes (JSON numbers normalise -0 to 0)', () => {
    fc.assert(
      fc.property(record, (event) => {
        const decoded = decodeLedgerEvent(encodeLedgerEvent(event));
        expect(encodeLedgerEvent(decoded)).toBe(encodeLedgerEvent(event));
        expect(decoded.seq).toBe(event.seq);
        expect(decoded.assetId).toBe(event.assetId);
      }),
    );
  });

  it('sorts object keys and keeps the field order', () => {
    const event: LedgerEvent = {
      seq: 7,
      simTime: 12.5,
      assetId: 'station_04',
      eventType: 'SWAP_COMPLETED',
      oldValue: { soc: 0.9, bays: 2 },
      newValue: { soc: 1, bays: 2 },
      meta: { wait_time_s: 120 },
      origin: 'sim',
    };
    expect(encodeLedgerEvent(event)).toBe(
      '[7,12.5,"station_04","SWAP_COMPLETED",{"bays":2,"soc":0.9},{"bays":2,"soc":1},{"wait_time_s":120},"sim"]',
    );
  });

  it('rejects non-finite numbers', () => {
    const event: LedgerEvent = {
      seq: 1,
      simTime: 0,
      assetId: 'a',
      eventType: 'X',
      oldValue: null,
      newValue: { x: Number.NaN },
      meta: null,
      origin: 'sim',
    };
    expect(() => encodeLedgerEvent(event)).toThrow(TypeError);
    expect(() => encodeLedgerEvent({ ...event, newValue: null, simTime: Number.POSITIVE_INFINITY })).toThrow(TypeError);
  });

  it.each([
    ['not json', '[1,'],
    ['wrong arity', '[1,0,"a","X",null,null,null]'],
    ['bad origin', '[1,0,"a","X",null,null,null,"elsewhere"]'],
    ['array value', '[1,0,"a","X",[],null,null,"sim"]'],
    ['seq zero', '[0,0,"a","X",null,null,null,"sim"]'],
  ])('refuses a malformed record (%s) with DOPPEL_ERR_LEDGER_CORRUPT', (_name, text) => {
    expect(() => decodeLedgerEvent(text)).toThrow(expect.objectContaining({ code: 'DOPPEL_ERR_LEDGER_CORRUPT' }));
  });

  it('splices the wire form of a record from its canonical text: the decoded record, as an object', () => {
    fc.assert(
      fc.property(record, (event) => {
        const text = encodeLedgerEvent(event);
        expect(JSON.parse(ledgerEventJson(text))).toEqual(decodeLedgerEvent(text));
        expect(ledgerTextEventType(text)).toBe(event.eventType);
      }),
    );
  });

  it('keeps the key order of the wire form (the order of LedgerEvent)', () => {
    const text = '[3,1.5,"s,\\"1","X]",{"b":[1,{"c":"}"}],"a":null},null,{"m":"\\\\"},"sim"]';
    const json = ledgerEventJson(text);
    expect(Object.keys(JSON.parse(json) as object)).toEqual([
      'seq',
      'simTime',
      'assetId',
      'eventType',
      'oldValue',
      'newValue',
      'meta',
      'origin',
    ]);
    expect(ledgerTextEventType(text)).toBe('X]');
  });

  it.each(['', '{}', '[1,2,3]', '[1,2,"a","b",null,null,null,"sim",4]'])(
    'refuses to splice text of another shape (%j) with DOPPEL_ERR_LEDGER_CORRUPT',
    (text) => {
      expect(() => ledgerEventJson(text)).toThrow(expect.objectContaining({ code: 'DOPPEL_ERR_LEDGER_CORRUPT' }));
    },
  );
});
