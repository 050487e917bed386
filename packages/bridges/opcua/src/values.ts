import { DataType, NodeId, resolveNodeId, type Variant } from 'node-opcua';
import { NODE_ID_FORM, isNodeIdText } from './addressing.js';
import { OpcuaError, OpcuaErrorCode } from './errors.js';

/** A value as Doppel handles it: JSON-safe. Arrays of these for array variables. */
export type PlainValue = number | boolean | string | null | readonly PlainValue[];

/** Parses `ns=1;s=Tank.Level`, `ns=2;i=42`, `i=85`, `ns=3;g=…`, `ns=3;b=…`; anything else is refused with the form. */
export function parseNodeId(text: string): NodeId {
  const expected = NODE_ID_FORM;
  if (!isNodeIdText(text)) {
    throw new OpcuaError(OpcuaErrorCode.Address, `NodeId "${text}": expected ${expected}`, { expected, actual: text });
  }
  try {
    return resolveNodeId(text);
  } catch (error) {
    throw new OpcuaError(OpcuaErrorCode.Address, `NodeId "${text}": ${String(error)}`, { expected, actual: text });
  }
}

const integerRanges: Partial<Record<DataType, readonly [number, number]>> = {
  [DataType.SByte]: [-128, 127],
  [DataType.Byte]: [0, 255],
  [DataType.Int16]: [-32768, 32767],
  [DataType.UInt16]: [0, 65535],
  [DataType.Int32]: [-2147483648, 2147483647],
  [DataType.UInt32]: [0, 4294967295],
  [DataType.Int64]: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  [DataType.UInt64]: [0, Number.MAX_SAFE_INTEGER],
};

/**
 * Converts a value (a number, a boolean, or text as typed on a command line) to the node's built-in DataType. Refuses
 * what the type cannot hold (a fraction into an integer, 300 into a Byte, "maybe" into a Boolean) with the expected form.
 */
export function coerceToDataType(value: PlainValue, dataType: DataType, where: string): unknown {
  const typeName = DataType[dataType] ?? `DataType ${dataType}`;
  const fail = (expected: string): never => {
    throw new OpcuaError(OpcuaErrorCode.Value, `${where}: expected ${expected}, got ${JSON.stringify(value)}`, {
      expected,
      actual: value,
      dataType: typeName,
    });
  };
  if (Array.isArray(value)) fail(`a single ${typeName} (arrays are not written)`);
  if (dataType === DataType.Boolean) {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === '1' || value === 1) return true;
    if (value === 'false' || value === '0' || value === 0) return false;
    return fail('a Boolean (true or false)');
  }
  if (dataType === DataType.String) return typeof value === 'string' ? value : JSON.stringify(value);
  if (dataType === DataType.Float || dataType === DataType.Double) {
    const number =
      typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (!Number.isFinite(number)) return fail(`a finite ${typeName}`);
    return number;
  }
  const range = integerRanges[dataType];
  if (range) {
    const number =
      typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (!Number.isInteger(number) || number < range[0] || number > range[1]) {
      return fail(`an integer ${typeName} in [${range[0]}, ${range[1]}]`);
    }
    // node-opcua carries 64-bit integers as [high, low] 32-bit words.
    if (dataType === DataType.Int64 || dataType === DataType.UInt64) {
      return [Math.floor(number / 0x100000000), number >>> 0];
    }
    return number;
  }
  if (dataType === DataType.DateTime) {
    const date = new Date(typeof value === 'string' || typeof value === 'number' ? value : NaN);
    if (Number.isNaN(date.getTime())) return fail('a DateTime (ISO 8601)');
    return date;
  }
  return fail(`a DataType Doppel writes (Boolean, integers, Float, Double, String, DateTime), not ${typeName}`);
}

/** A Variant's value as JSON-safe data: dates as ISO text, 64-bit integers as numbers, NodeIds and texts as strings. */
export function plainValue(variant: Variant): PlainValue {
  return toPlain(variant.value, variant.dataType);
}

function toPlain(value: unknown, dataType: DataType): PlainValue {
  if (value === null || value === undefined) return null;
  if ((dataType === DataType.Int64 || dataType === DataType.UInt64) && Array.isArray(value) && value.length === 2) {
    const [high, low] = value as [number, number];
    return high * 0x100000000 + (low >>> 0);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>);
  }
  if (Array.isArray(value)) return value.map((item) => toPlain(item, dataType));
  if (value instanceof NodeId) return value.toString();
  return String(value);
}
