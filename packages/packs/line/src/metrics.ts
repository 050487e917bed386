import type { CostRates } from './config.js';
import type { LineRuntime } from './line.js';
import type { Machine } from './machine.js';
import type { TimeInState } from './state.js';

/**
 * OEE with the seed's loss mapping, for a machine:
 *   planned   = elapsed − STARVED − BLOCKED      (time the machine's neighbours let it work)
 *   run       = planned − DOWN                   (= EXECUTE + JAMMED)
 *   A = run / planned                            availability loss: breakdowns (DOWN)
 *   P = ideal / run                              performance loss: micro-stops (JAMMED) and reduced speed;
 *                                                ideal = completed cycles × nominal cycle time
 *   Q = (out − bad) / out                        quality loss: outputs made defective here or rejected here
 *   OEE = A × P × Q                              (a ratio with a zero denominator counts as 1: no loss)
 */
export interface Oee {
  readonly availability: number;
  readonly performance: number;
  readonly quality: number;
  readonly oee: number;
}

const ratio = (num: number, den: number): number => (den > 0 ? Math.min(1, Math.max(0, num / den)) : 1);

function oeeOf(availability: number, performance: number, quality: number): Oee {
  return { availability, performance, quality, oee: availability * performance * quality };
}

interface MachineTerms {
  readonly planned: number;
  readonly run: number;
  readonly ideal: number;
  readonly out: number;
  readonly bad: number;
}

function terms(machine: Machine, times: TimeInState): MachineTerms {
  const elapsed = times.STARVED + times.EXECUTE + times.DOWN + times.JAMMED + times.BLOCKED;
  const planned = elapsed - times.STARVED - times.BLOCKED;
  // A cycle still running at the end counts pro rata, so that P = 1 for a machine that never slowed or jammed.
  const partial =
    machine.state === 'EXECUTE' && machine.cycleStart >= 0
      ? Math.min(machine.spec.cycleTimeS, (machine.env.now - machine.cycleStart) * machine.speedFactor)
      : 0;
  return {
    planned,
    run: planned - times.DOWN,
    ideal: machine.idealS + partial,
    out: machine.counts.out,
    bad: machine.bad,
  };
}

export function machineOee(machine: Machine): Oee {
  const t = terms(machine, machine.timesNow());
  return oeeOf(ratio(t.run, t.planned), ratio(t.ideal, t.run), ratio(t.out - t.bad, t.out));
}

/**
 * Line OEE: A and P pool the machines' times (Σ run / Σ planned, Σ ideal / Σ run); Q is the line's yield in base
 * units, good finished units over finished plus scrapped units. OEE = A × P × Q.
 */
export function lineOee(lines: readonly LineRuntime[]): Oee {
  let planned = 0;
  let run = 0;
  let ideal = 0;
  let good = 0;
  let total = 0;
  for (const line of lines) {
    for (const machine of line.machines) {
      const t = terms(machine, machine.timesNow());
      planned += t.planned;
      run += t.run;
      ideal += t.ideal;
    }
    const balance = line.materialBalance();
    good += line.totals.goodFinishedUnits;
    total += balance.finished + balance.scrapped;
  }
  return oeeOf(ratio(run, planned), ratio(ideal, run), ratio(good, total));
}

/**
 * Conversion cost of a machine up to now: labour and overhead accrue for every hour of the run, energy for the
 * hours in EXECUTE:  (elapsed × (labor + overhead) + EXECUTE × energy) / 3600.
 */
export function conversionCost(rates: CostRates, times: TimeInState): number {
  const elapsed = times.STARVED + times.EXECUTE + times.DOWN + times.JAMMED + times.BLOCKED;
  return (elapsed * (rates.labor_per_hour + rates.overhead_per_hour) + times.EXECUTE * rates.energy_per_hour) / 3600;
}

export interface Economics {
  /** Finished pallets × the SKU's material_cost. */
  readonly material_cost: number;
  readonly conversion_cost: number;
  /** Good finished pallets × the SKU's selling_price. */
  readonly revenue: number;
  /** revenue − material_cost − conversion_cost. */
  readonly gross_margin: number;
}

export function economics(lines: readonly LineRuntime[]): Economics {
  let material = 0;
  let conversion = 0;
  let revenue = 0;
  for (const line of lines) {
    material += line.totals.materialCost;
    revenue += line.totals.revenue;
    for (const machine of line.machines) conversion += conversionCost(machine.spec.costRates, machine.timesNow());
  }
  return {
    material_cost: material,
    conversion_cost: conversion,
    revenue,
    gross_margin: revenue - material - conversion,
  };
}

/**
 * Bottleneck rate in base units per hour for the running SKU: min over stations of base units per cycle / cycle
 * time, where a palletizer's inputs are cases of units_per_case units and every other input is one unit.
 */
export function theoreticalRate(line: LineRuntime): { station: string; units_per_h: number } {
  const sku = line.sku;
  let best = { station: '', units_per_h: Infinity };
  for (const machine of line.machines) {
    const unitsPerInput = machine.spec.outputType === 'pallet' ? sku.units_per_case : 1;
    const rate = (machine.batchSize(sku) * unitsPerInput * 3600) / machine.spec.cycleTimeS;
    if (rate < best.units_per_h) best = { station: machine.id, units_per_h: rate };
  }
  return best;
}
