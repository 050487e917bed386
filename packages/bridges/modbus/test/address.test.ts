import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ModbusError,
  ModbusErrorCode,
  decodeRegisters,
  encodeRegisters,
  parseModbusAddress,
  parseModbusUrl,
} from '@doppel/bridge-modbus';

describe('Modbus addresses and URLs', () => {
  it('parses tables, types and word orders', () => {
    expect(parseModbusAddress('hr:12:f32')).toMatchObject({ table: 'hr', offset: 12, type: 'f32', wordOrder: 'be' });
    expect(parseModbusAddress('ir:3')).toMatchObject({ table: 'ir', type: 'u16' });
    expect(parseModbusAddress('hr:0:u32:le')).toMatchObject({ wordOrder: 'le' });
    expect(parseModbusAddress('coil:7')).toMatchObject({ table: 'coil', type: undefined });
  });

  it.each([
    'xx:1',
    'hr',
    'hr:-1',
    'hr:65536',
    'hr:1:f64',
    'coil:1:u16',
    'hr:65535:f32',
    'hr:1:f32:mid',
    'hr:1:u16:be:x',
  ])('refuses %s with the expected form', (text) => {
    try {
      parseModbusAddress(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ModbusError);
      expect((error as ModbusError).code).toBe(ModbusErrorCode.Address);
      expect((error as ModbusError).details).toMatchObject({ actual: text });
    }
  });

  it('parses modbus:// URLs with a unit id', () => {
    expect(parseModbusUrl('modbus://127.0.0.1:1502?unit=7')).toEqual({ host: '127.0.0.1', port: 1502, unitId: 7 });
    expect(parseModbusUrl('modbus://plc')).toEqual({ host: 'plc', port: 502, unitId: 1 });
    for (const bad of ['http://x:1', 'modbus://x:1?unit=300', 'modbus://x:1?unit=a', 'nonsense']) {
      expect(() => parseModbusUrl(bad)).toThrow(ModbusError);
    }
  });

  it('round-trips every integer type and float32 through registers in both word orders', () => {
    const cases = [
      ['i16', fc.integer({ min: -0x8000, max: 0x7fff })],
      ['u16', fc.integer({ min: 0, max: 0xffff })],
      ['i32', fc.integer({ min: -0x80000000, max: 0x7fffffff })],
      ['u32', fc.integer({ min: 0, max: 0xffffffff })],
      ['f32', fc.float({ noNaN: true, noDefaultInfinity: true }).map(Math.fround)],
    ] as const;
    for (const [type, values] of cases) {
      for (const order of ['be', 'le']) {
        const address = parseModbusAddress(`hr:0:${type}:${order}`);
        fc.assert(
          fc.property(values, (value) => {
            const words = encodeRegisters(value, address, 'test');
            expect(words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff)).toBe(true);
            expect(decodeRegisters(words, address)).toBe(value === 0 ? 0 : value);
          }),
        );
      }
    }
  });

  it('states the word order: big-endian puts the high word first', () => {
    expect(encodeRegisters(0x12345678, parseModbusAddress('hr:0:u32'), 't')).toEqual([0x1234, 0x5678]);
    expect(encodeRegisters(0x12345678, parseModbusAddress('hr:0:u32:le'), 't')).toEqual([0x5678, 0x1234]);
    expect(encodeRegisters(1, parseModbusAddress('hr:0:f32'), 't')).toEqual([0x3f80, 0x0000]);
  });
});
