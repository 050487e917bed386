import type { KpiDefinition } from '../contracts/assets.js';

/** A cumulative KPI: telemetry reports its increment over each interval. */
export function counterKpi(name: string, unit: string, description: string): KpiDefinition {
  return { name, unit, description, kind: 'counter' };
}

/** A KPI read as a snapshot at the end of each telemetry interval. */
export function gaugeKpi(name: string, unit: string, description: string): KpiDefinition {
  return { name, unit, description, kind: 'gauge' };
}
