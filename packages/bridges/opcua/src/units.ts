import { type EUInformation, makeEUInformation, standardUnits } from 'node-opcua';

/** Unit symbols as Doppel writes them (state field suffixes, KPI units, process pack ports) → OPC UA standard units. */
const STANDARD: Readonly<Record<string, keyof typeof standardUnits>> = {
  degC: 'degree_celsius',
  '°C': 'degree_celsius',
  K: 'kelvin',
  m: 'metre',
  mm: 'millimetre',
  m3: 'cubic_metre',
  'm³': 'cubic_metre',
  'm3/h': 'cubic_metre_per_hour',
  s: 'second',
  ms: 'millisecond',
  min: 'minute',
  W: 'watt',
  kW: 'kilowatt',
  MW: 'megawatt',
  J: 'joule',
  Pa: 'pascal',
  kPa: 'kilopascal',
  bar: 'bar',
  '%': 'percent',
  kg: 'kilogram',
  'kg/s': 'kilogram_per_second',
  'm/s': 'metre_per_second',
  'km/h': 'kilometre_per_hour',
  rpm: 'revolutions_per_minute',
  Hz: 'hertz',
  V: 'volt',
  A: 'ampere',
  '1': 'one',
};

/** The EngineeringUnits of a unit symbol: a standard unit when OPC UA knows it, else the symbol as display name. */
export function engineeringUnits(symbol: string): EUInformation {
  const standard = Object.prototype.hasOwnProperty.call(STANDARD, symbol) ? STANDARD[symbol] : undefined;
  if (standard !== undefined) return standardUnits[standard];
  // Outside the standard table: no UNECE unit id (-1), the symbol as display name.
  const unit = makeEUInformation('', symbol, symbol);
  unit.unitId = -1;
  return unit;
}
