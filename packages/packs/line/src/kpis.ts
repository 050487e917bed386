import { counterKpi, gaugeKpi, type KpiDefinition } from '@doppel/twin';

const counter = counterKpi;
const gauge = gaugeKpi;

/** Line KPIs, in the seed's telemetry column order; all counters (telemetry reports increments per interval). */
export const LINE_KPIS: readonly KpiDefinition[] = [
  counter('tubes_produced', 'tubes', 'Tubes made (by stations whose output type is tube)'),
  counter('cases_produced', 'cases', 'Cases packed'),
  counter('pallets_produced', 'pallets', 'Pallets built'),
  counter('good_pallets', 'pallets', 'Finished pallets without a defective unit'),
  counter('defective_pallets', 'pallets', 'Finished pallets holding at least one defective unit'),
  counter('defects_created', 'units', 'Units made defective'),
  counter('defects_detected', 'units', 'Defective units found by inspection'),
  counter('material_cost', 'currency', 'Finished pallets × material_cost'),
  counter('conversion_cost', 'currency', 'Σ machines (elapsed × (labor + overhead) + EXECUTE × energy) per hour'),
  counter('revenue', 'currency', 'Good pallets × selling_price'),
  counter('gross_margin', 'currency', 'revenue − material_cost − conversion_cost'),
];

export const MACHINE_KPIS: readonly KpiDefinition[] = [
  gauge('oee', 'fraction', 'Availability × performance × quality'),
  gauge('availability', 'fraction', '(planned − DOWN) / planned, planned = elapsed − STARVED − BLOCKED'),
  gauge('performance', 'fraction', 'Nominal cycle time of completed cycles / (EXECUTE + JAMMED)'),
  gauge('quality', 'fraction', 'Outputs neither made defective nor rejected here / outputs'),
  counter('units_in', 'units', 'Inputs taken'),
  counter('units_out', 'units', 'Outputs handed on (rejects included)'),
  counter('rejects', 'units', 'Outputs sent to the reject bin'),
  gauge('execute_s', 's', 'Time in EXECUTE'),
  gauge('down_s', 's', 'Time DOWN'),
  gauge('jammed_s', 's', 'Time JAMMED'),
  gauge('starved_s', 's', 'Time STARVED'),
  gauge('blocked_s', 's', 'Time BLOCKED'),
];

export const BUFFER_KPIS: readonly KpiDefinition[] = [
  gauge('level', 'units', 'Units in the buffer now'),
  gauge('fill', 'fraction', 'Level / capacity'),
  gauge('mean_level', 'units', 'Time-weighted mean level since the start'),
];
