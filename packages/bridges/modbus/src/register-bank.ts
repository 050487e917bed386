import { type ModbusAddress, type ModbusTable, registerCount } from './address.js';
import { decodeRegisters, encodeRegisters } from './codec.js';
import { ModbusException, ModbusExceptionReply } from './errors.js';
import type { ModbusValue } from './client.js';

export interface RegisterBankSize {
  readonly coils?: number;
  readonly discreteInputs?: number;
  readonly holdingRegisters?: number;
  readonly inputRegisters?: number;
}

/**
 * Decides whether a client's write is accepted; throw `ModbusExceptionReply` (usually ILLEGAL_DATA_VALUE) to refuse
 * it. Called before anything is stored, so a refused write changes nothing.
 */
export type WriteGuard = (table: 'coil' | 'hr', offset: number, values: readonly (number | boolean)[]) => void;

/**
 * The data of one Modbus unit: four tables of fixed size. Reads and writes outside a table answer
 * ILLEGAL_DATA_ADDRESS, as a device would.
 */
export class RegisterBank {
  readonly coils: boolean[];
  readonly discreteInputs: boolean[];
  readonly holdingRegisters: Uint16Array;
  readonly inputRegisters: Uint16Array;
  private readonly listeners = new Set<(table: 'coil' | 'hr', offset: number, count: number) => void>();

  constructor(
    size: RegisterBankSize = {},
    private readonly guard?: WriteGuard,
  ) {
    this.coils = new Array<boolean>(size.coils ?? 1000).fill(false);
    this.discreteInputs = new Array<boolean>(size.discreteInputs ?? 1000).fill(false);
    this.holdingRegisters = new Uint16Array(size.holdingRegisters ?? 1000);
    this.inputRegisters = new Uint16Array(size.inputRegisters ?? 1000);
  }

  /** Called after a client's write was stored (not for the owner's own `set`). */
  onClientWrite(listener: (table: 'coil' | 'hr', offset: number, count: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The owner's typed view: set a value as a client would read it (no guard: the device sets its own inputs). */
  set(address: ModbusAddress, value: ModbusValue): void {
    if (address.table === 'coil' || address.table === 'di') {
      const bits = address.table === 'coil' ? this.coils : this.discreteInputs;
      this.check(bits.length, address.offset, 1);
      bits[address.offset] = value === true;
      return;
    }
    const words = this.words(address.table);
    const encoded = encodeRegisters(Number(value), address, `${address.table}:${address.offset}`);
    this.check(words.length, address.offset, encoded.length);
    words.set(encoded, address.offset);
  }

  get(address: ModbusAddress): ModbusValue {
    if (address.table === 'coil' || address.table === 'di') {
      const bits = address.table === 'coil' ? this.coils : this.discreteInputs;
      this.check(bits.length, address.offset, 1);
      return bits[address.offset] === true;
    }
    const words = this.words(address.table);
    const count = registerCount(address.type ?? 'u16');
    this.check(words.length, address.offset, count);
    return decodeRegisters(Array.from(words.subarray(address.offset, address.offset + count)), address);
  }

  /** @internal the server's protocol side */
  readBit(table: 'coil' | 'di', offset: number): boolean {
    const bits = table === 'coil' ? this.coils : this.discreteInputs;
    this.check(bits.length, offset, 1);
    return bits[offset] === true;
  }

  /** @internal */
  readWords(table: 'hr' | 'ir', offset: number, count: number): number[] {
    const words = this.words(table);
    this.check(words.length, offset, count);
    return Array.from(words.subarray(offset, offset + count));
  }

  /** @internal */
  writeCoils(offset: number, values: readonly boolean[]): void {
    this.check(this.coils.length, offset, values.length);
    this.guard?.('coil', offset, values);
    values.forEach((value, i) => (this.coils[offset + i] = value));
    for (const listener of this.listeners) listener('coil', offset, values.length);
  }

  /** @internal */
  writeWords(offset: number, values: readonly number[]): void {
    this.check(this.holdingRegisters.length, offset, values.length);
    this.guard?.('hr', offset, values);
    this.holdingRegisters.set(values, offset);
    for (const listener of this.listeners) listener('hr', offset, values.length);
  }

  private words(table: Exclude<ModbusTable, 'coil' | 'di'>): Uint16Array {
    return table === 'hr' ? this.holdingRegisters : this.inputRegisters;
  }

  private check(size: number, offset: number, count: number): void {
    if (offset < 0 || count < 1 || offset + count > size) {
      throw new ModbusExceptionReply(
        ModbusException.IllegalDataAddress,
        `addresses ${offset}..${offset + count - 1} are outside 0..${size - 1}`,
      );
    }
  }
}
