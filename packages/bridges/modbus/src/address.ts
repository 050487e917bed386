import { ModbusError, ModbusErrorCode } from './errors.js';

/** The four Modbus data tables. Coils and holding registers are writable; discrete inputs and input registers are not. */
export type ModbusTable = 'coil' | 'di' | 'hr' | 'ir';
/** How a register value is encoded: 16-bit in one register, 32-bit in two. */
export type RegisterType = 'i16' | 'u16' | 'i32' | 'u32' | 'f32';
/**
 * Word order of 32-bit values: `be` puts the high word in the lower register (ABCD, the Modbus convention and the
 * default); `le` puts the low word first (CDAB, "word swapped"). Bytes inside a register are always big-endian.
 */
export type WordOrder = 'be' | 'le';

export interface ModbusAddress {
  readonly table: ModbusTable;
  /** Zero-based protocol address (`hr:0` is the register documented as 40001). */
  readonly offset: number;
  /** Register encoding; `undefined` for coils and discrete inputs (booleans). */
  readonly type: RegisterType | undefined;
  readonly wordOrder: WordOrder;
  /** Engineering value = raw × scale + offset. */
  readonly scale: number;
  readonly bias: number;
}

const tables: readonly ModbusTable[] = ['coil', 'di', 'hr', 'ir'];
const registerTypes: readonly RegisterType[] = ['i16', 'u16', 'i32', 'u32', 'f32'];

/** Registers a value of this type spans. */
export function registerCount(type: RegisterType): 1 | 2 {
  return type === 'i16' || type === 'u16' ? 1 : 2;
}

export function isWritable(table: ModbusTable): boolean {
  return table === 'coil' || table === 'hr';
}

export interface AddressOptions {
  readonly scale?: number;
  readonly offset?: number;
}

/**
 * Parses `table:N[:type[:wordorder]]`, e.g. `hr:12`, `ir:3:i16`, `hr:12:f32`, `hr:20:u32:le`, `coil:0`.
 * Registers default to `u16`; the word order defaults to `be`.
 */
export function parseModbusAddress(text: string, options: AddressOptions = {}): ModbusAddress {
  const fail = (expected: string): never => {
    throw new ModbusError(ModbusErrorCode.Address, `Modbus address "${text}": expected ${expected}`, {
      expected,
      actual: text,
    });
  };
  const parts = text.trim().split(':');
  const [tableText, offsetText, typeText, orderText, ...rest] = parts;
  if (rest.length > 0) fail('table:N[:type[:be|le]]');
  if (!tables.includes(tableText as ModbusTable)) fail(`a table among ${tables.join(', ')} before the first ":"`);
  const table = tableText as ModbusTable;
  if (offsetText === undefined || !/^\d{1,5}$/.test(offsetText) || Number(offsetText) > 65535) {
    fail('a register number from 0 to 65535 after the table');
  }
  const offset = Number(offsetText);
  const isBit = table === 'coil' || table === 'di';
  if (isBit && typeText !== undefined)
    fail(`no type after ${table}:${offset} (coils and discrete inputs are booleans)`);
  if (typeText !== undefined && !registerTypes.includes(typeText as RegisterType)) {
    fail(`a register type among ${registerTypes.join(', ')}`);
  }
  if (orderText !== undefined && orderText !== 'be' && orderText !== 'le') fail('word order "be" or "le"');
  const type = isBit ? undefined : ((typeText as RegisterType | undefined) ?? 'u16');
  if (type !== undefined && offset + registerCount(type) - 1 > 65535)
    fail('a value that ends at register 65535 or below');
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale) || scale === 0) fail('a finite, non-zero scale');
  const bias = options.offset ?? 0;
  if (!Number.isFinite(bias)) fail('a finite offset');
  return { table, offset, type, wordOrder: (orderText as WordOrder | undefined) ?? 'be', scale, bias };
}

export function formatModbusAddress(address: ModbusAddress): string {
  const type = address.type === undefined ? '' : `:${address.type}`;
  const order = address.wordOrder === 'le' ? ':le' : '';
  return `${address.table}:${address.offset}${type}${order}`;
}
