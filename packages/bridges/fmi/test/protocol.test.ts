import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameReader, frame } from '../src/protocol.js';
import { parseInputCsv, rowAt } from '../src/input-table.js';
import { parseModelDescription } from '../src/index.js';

describe('frames', () => {
  it('are read back whole and in order however the byte stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ type: fc.integer({ min: 1, max: 4 }), body: fc.uint8Array({ maxLength: 300 }) }), {
          maxLength: 20,
        }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 30 }),
        (frames, cuts) => {
          const stream = Buffer.concat(frames.map((f) => frame(f.type, f.body)));
          const seen: { type: number; body: number[] }[] = [];
          const reader = new FrameReader((type, body) => seen.push({ type, body: [...body] }));
          let offset = 0;
          for (let i = 0; offset < stream.length; i++) {
            const size = cuts[i % cuts.length];
            reader.push(stream.subarray(offset, offset + size));
            offset += size;
          }
          expect(seen).toEqual(frames.map((f) => ({ type: f.type, body: [...f.body] })));
        },
      ),
    );
  });

  it('refuse a frame over the size limit instead of buffering it', () => {
    const reader = new FrameReader(() => undefined, 1024);
    const header = Buffer.alloc(5);
    header.writeUInt32LE(4096, 0);
    expect(() => reader.push(header)).toThrow(/exceeds the limit/);
  });
});

describe('input tables', () => {
  const variables = parseModelDescription(
    `<fmiModelDescription fmiVersion="2.0" modelName="m" guid="g"><CoSimulation modelIdentifier="m"/><ModelVariables>
      <ScalarVariable name="u" valueReference="0" causality="input"><Real start="0"/></ScalarVariable>
      <ScalarVariable name="on" valueReference="0" causality="input"><Boolean start="false"/></ScalarVariable>
      <ScalarVariable name="y" valueReference="1" causality="output"><Real/></ScalarVariable>
    </ModelVariables></fmiModelDescription>`,
  ).variables;

  it('hold each row until the next one (the first row before it starts)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 20 }),
        fc.double({ min: -10, max: 110, noNaN: true }),
        (rawTimes, t) => {
          const times = [...rawTimes].sort((a, b) => a - b);
          const csv = `time,u\n${times.map((time, i) => `${time},${i}`).join('\n')}\n`;
          const table = parseInputCsv(csv, 'u.csv', variables);
          const expected = times.reduce((found, time, i) => (time <= t ? i : found), 0);
          expect(rowAt(table, t)).toEqual([expected]);
        },
      ),
    );
  });

  it('name the file, line and column of a bad value; booleans read as 1/0', () => {
    expect(parseInputCsv('time,on\n0,true\n1,0\n', 'b.csv', variables).rows).toEqual([[1], [0]]);
    expect(() => parseInputCsv('time,u\n0,1\n1,x\n', 'u.csv', variables)).toThrow(
      'u.csv:3: column "u": the value must be a number, found "x"',
    );
    expect(() => parseInputCsv('time,u\n1,1\n0,1\n', 'u.csv', variables)).toThrow('u.csv:3: time goes back');
    expect(() => parseInputCsv('time,y\n0,1\n', 'u.csv', variables)).toThrow('column "y" is not an input variable');
    expect(() => parseInputCsv('t,u\n0,1\n', 'u.csv', variables)).toThrow('u.csv:1: the first column must be "time"');
    expect(() => parseInputCsv('time,u\n', 'u.csv', variables)).toThrow('no data rows');
  });
});
