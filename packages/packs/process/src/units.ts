/**
 * The units ports carry. A unit is a dimension (exponents of m, kg, s, K) plus an affine map to SI
 * (`si = value * scale + offset`), so °C and K connect (with a conversion) while m and m³/s do not. `bool` is its
 * own kind: it only connects to `bool`.
 */
export interface UnitInfo {
  readonly symbol: string;
  readonly title: string;
  /** Exponents of m, kg, s, K. */
  readonly dim: readonly [number, number, number, number];
  readonly scale: number;
  readonly offset: number;
  /** Smallest change of a value worth a ledger record (the recorder's absolute deadband). */
  readonly quantum: number;
  readonly bool?: true;
}

const u = (
  symbol: string,
  title: string,
  dim: [number, number, number, number],
  quantum: number,
  scale = 1,
  offset = 0,
): UnitInfo => ({ symbol, title, dim, scale, offset, quantum });

/** Every unit a port or a property may name, by symbol. */
export const UNITS: Readonly<Record<string, UnitInfo>> = Object.freeze({
  '1': u('1', 'dimensionless', [0, 0, 0, 0], 1e-3),
  fraction: u('fraction', 'fraction 0..1', [0, 0, 0, 0], 1e-3),
  '%': u('%', 'percent', [0, 0, 0, 0], 0.1, 0.01),
  bool: { ...u('bool', 'on/off', [0, 0, 0, 0], 0.5), bool: true },
  s: u('s', 'second', [0, 0, 1, 0], 1e-3),
  m: u('m', 'metre', [1, 0, 0, 0], 1e-3),
  m2: u('m2', 'square metre', [2, 0, 0, 0], 1e-4),
  m3: u('m3', 'cubic metre', [3, 0, 0, 0], 1e-4),
  L: u('L', 'litre', [3, 0, 0, 0], 0.1, 1e-3),
  'm3/s': u('m3/s', 'cubic metre per second', [3, 0, -1, 0], 1e-6),
  'L/s': u('L/s', 'litre per second', [3, 0, -1, 0], 1e-3, 1e-3),
  'm3/h': u('m3/h', 'cubic metre per hour', [3, 0, -1, 0], 1e-3, 1 / 3600),
  kg: u('kg', 'kilogram', [0, 1, 0, 0], 1e-2),
  'kg/s': u('kg/s', 'kilogram per second', [0, 1, -1, 0], 1e-4),
  Pa: u('Pa', 'pascal', [-1, 1, -2, 0], 10),
  kPa: u('kPa', 'kilopascal', [-1, 1, -2, 0], 0.01, 1e3),
  bar: u('bar', 'bar', [-1, 1, -2, 0], 1e-4, 1e5),
  W: u('W', 'watt', [2, 1, -3, 0], 1),
  kW: u('kW', 'kilowatt', [2, 1, -3, 0], 1e-3, 1e3),
  J: u('J', 'joule', [2, 1, -2, 0], 100),
  kWh: u('kWh', 'kilowatt hour', [2, 1, -2, 0], 1e-4, 3.6e6),
  K: u('K', 'kelvin', [0, 0, 0, 1], 0.01),
  degC: u('degC', 'degree Celsius', [0, 0, 0, 1], 0.01, 1, 273.15),
  rpm: u('rpm', 'revolutions per minute', [0, 0, -1, 0], 0.1, 1 / 60),
});

export const UNIT_SYMBOLS = Object.keys(UNITS) as readonly string[];

export function unitInfo(symbol: string): UnitInfo | undefined {
  return Object.prototype.hasOwnProperty.call(UNITS, symbol) ? UNITS[symbol] : undefined;
}

/** Whether a value in `from` can feed a port in `to`: the same dimension, and bool only with bool. */
export function compatible(from: string, to: string): boolean {
  const a = unitInfo(from);
  const b = unitInfo(to);
  if (a === undefined || b === undefined) return false;
  if (a.bool === true || b.bool === true) return a.bool === b.bool;
  return a.dim.every((e, i) => e === b.dim[i]);
}

/** `to = from * gain + bias`, the conversion a connection applies; undefined when the units are incompatible. */
export function conversion(from: string, to: string): { gain: number; bias: number } | undefined {
  if (!compatible(from, to)) return undefined;
  const a = unitInfo(from) as UnitInfo;
  const b = unitInfo(to) as UnitInfo;
  if (a.symbol === b.symbol) return { gain: 1, bias: 0 };
  // si = v * a.scale + a.offset = w * b.scale + b.offset
  return { gain: a.scale / b.scale, bias: (a.offset - b.offset) / b.scale };
}

/** The dimension written out (m3/s → "m^3·s^-1"), for messages. */
export function dimensionText(symbol: string): string {
  const info = unitInfo(symbol);
  if (info === undefined) return 'unknown';
  if (info.bool === true) return 'on/off';
  const names = ['m', 'kg', 's', 'K'];
  const parts = info.dim.flatMap((e, i) => (e === 0 ? [] : [e === 1 ? names[i] : `${names[i]}^${e}`]));
  return parts.length === 0 ? 'dimensionless' : parts.join('·');
}
