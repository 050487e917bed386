import type { ModbusAddress, RegisterType, WordOrder } from './address.js';
import { ModbusError, ModbusErrorCode } from './errors.js';

const ranges: Record<Exclude<RegisterType, 'f32'>, readonly [number, number]> = {
  i16: [-0x8000, 0x7fff],
  u16: [0, 0xffff],
  i32: [-0x80000000, 0x7fffffff],
  u32: [0, 0xffffffff],
};

/** Decodes raw registers (16-bit unsigned words as read) into the engineering value: raw × scale + offset. */
export function decodeRegisters(registers: readonly number[], address: ModbusAddress): number {
  const type = address.type ?? 'u16';
  const view = new DataView(new ArrayBuffer(4));
  if (type === 'i16' || type === 'u16') {
    view.setUint16(0, registers[0] ?? 0);
    const raw = type === 'i16' ? view.getInt16(0) : view.getUint16(0);
    return raw * address.scale + address.bias;
  }
  const [first, second] = [registers[0] ?? 0, registers[1] ?? 0];
  const [high, low] = address.wordOrder === 'be' ? [first, second] : [second, first];
  view.setUint16(0, high);
  view.setUint16(2, low);
  const raw = type === 'f32' ? view.getFloat32(0) : type === 'i32' ? view.getInt32(0) : view.getUint32(0);
  return raw * address.scale + address.bias;
}

/**
 * Encodes an engineering value into registers: raw = (value − offset) / scale, rounded to the nearest integer for
 * integer types. A value the type cannot hold is refused before anything is sent.
 */
export function encodeRegisters(value: number, address: ModbusAddress, where: string): number[] {
  const type = address.type ?? 'u16';
  if (!Number.isFinite(value)) {
    throw new ModbusError(ModbusErrorCode.Value, `${where}: expected a finite number, got ${String(value)}`, {
      expected: 'a finite number',
      actual: value,
    });
  }
  const scaled = (value - address.bias) / address.scale;
  const view = new DataView(new ArrayBuffer(4));
  if (type === 'f32') {
    view.setFloat32(0, scaled);
    return orderWords(view.getUint16(0), view.getUint16(2), address.wordOrder);
  }
  const raw = Math.round(scaled);
  const [min, max] = ranges[type];
  if (raw < min || raw > max) {
    const expected = `${type} raw value in [${min}, ${max}]`;
    throw new ModbusError(ModbusErrorCode.Value, `${where}: expected ${expected}, got ${raw} (from ${value})`, {
      expected,
      actual: raw,
    });
  }
  if (type === 'i16' || type === 'u16') {
    view.setUint16(0, raw & 0xffff);
    return [view.getUint16(0)];
  }
  if (type === 'i32') view.setInt32(0, raw);
  else view.setUint32(0, raw);
  return orderWords(view.getUint16(0), view.getUint16(2), address.wordOrder);
}

function orderWords(high: number, low: number, order: WordOrder): number[] {
  return order === 'be' ? [high, low] : [low, high];
}
