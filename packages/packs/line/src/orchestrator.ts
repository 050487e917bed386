import type { ProcessGenerator } from '@doppel/engine';
import type { BehaviorConfig, EquipmentConfig, PhaseEntry } from './config.js';
import { LineError, LineErrorCode } from './errors.js';
import { compilePredicate } from './expressions.js';
import type { Item, Outlet } from './flow.js';
import type { Cycle, Machine, MachineSpec } from './machine.js';
import { DEFAULT_PHASES, PHASE_REGISTRY, type Phase } from './phases.js';

type SpecCore = Pick<MachineSpec, 'mtbfS' | 'jamProb' | 'detectionProb' | 'defectRate'>;

/**
 * The enabled phases of one equipment, in order: each entry of the behavior resolved in the phase registry and
 * kept when its `enabled` says so (a boolean, "always", or a CEL expression over `config`, the equipment document),
 * else when the phase's own default says so.
 */
export function resolvePhases(
  behavior: BehaviorConfig | undefined,
  equipment: EquipmentConfig,
  core: SpecCore,
  where: string,
): Phase[] {
  const entries: readonly PhaseEntry[] = behavior?.phases ?? DEFAULT_PHASES;
  const phases: Phase[] = [];
  for (const entry of entries) {
    const name = typeof entry === 'string' ? entry : (entry.handler ?? entry.name);
    const phase = PHASE_REGISTRY[name];
    if (phase === undefined) {
      throw new LineError(
        LineErrorCode.UnknownPhase,
        `${where}: unknown phase "${name}" (known: ${Object.keys(PHASE_REGISTRY).join(', ')})`,
        { phase: name, where },
      );
    }
    const enabled = typeof entry === 'string' ? undefined : entry.enabled;
    let on: boolean;
    if (enabled === undefined) on = phase.enabledByDefault(core);
    else if (typeof enabled === 'boolean') on = enabled;
    else if (enabled.trim() === 'always') on = true;
    else on = compilePredicate(enabled, `${where} phase ${name}`)({ config: equipment });
    if (on) phases.push(phase);
  }
  for (const required of ['collect', 'execute']) {
    if (!phases.some((phase) => phase.name === required)) {
      throw new LineError(
        LineErrorCode.UnknownPhase,
        `${where}: the cycle needs an enabled ${required} phase (it is how a machine takes material and spends time)`,
        { where, missing: required },
      );
    }
  }
  return phases;
}

/** The machine's process: run the phases in order, then hand each output to its route (BLOCKED while refused). */
export function* runMachine(machine: Machine): ProcessGenerator<void> {
  const phases = machine.spec.phases;
  const cycle = machine.cycle;
  for (;;) {
    cycle.inputs.length = 0;
    cycle.outputs.length = 0;
    cycle.flagged.length = 0;
    for (const phase of phases) {
      const step = phase.run(machine, cycle);
      if (step !== undefined) yield* step;
    }
    // Without a transform phase the inputs go on unchanged.
    if (cycle.outputs.length === 0) for (const item of cycle.inputs) cycle.outputs.push(item);
    for (const item of cycle.outputs) {
      const outlet = beforeHandOver(machine, item, cycle);
      if (!machine.giveNow(outlet, item)) yield* machine.give(outlet, item);
      afterHandOver(machine, item, outlet);
    }
  }
}

function beforeHandOver(machine: Machine, item: Item, cycle: Cycle): Outlet {
  const outlet = machine.route(item);
  const rejected = outlet === machine.line.reject;
  machine.counts.out++;
  if (rejected) machine.counts.rejects++;
  if (item.createdDefect || rejected) machine.bad++;
  item.createdDefect = false;
  if (cycle.flagged.length > 0 && cycle.flagged.includes(item)) {
    machine.recordCounts('DEFECT_DETECTED', { kind: item.kind, sku: item.sku.name, rejected });
  }
  return outlet;
}

function afterHandOver(machine: Machine, item: Item, outlet: Outlet): void {
  if (outlet === machine.line.sink) {
    machine.recordCounts('UNIT_PRODUCED', {
      kind: item.kind,
      units: item.units,
      sku: item.sku.name,
      defective: item.defective,
    });
  }
}
