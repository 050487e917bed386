import type { ProcessGenerator } from '@doppel/engine';
import type { Item } from './flow.js';
import type { Cycle, Machine, MachineSpec } from './machine.js';

/**
 * One step of an equipment cycle. `run` returns a generator when the step waits (yield* into the machine's
 * process) or undefined when it completes at once, so the common no-failure path allocates nothing.
 */
export interface Phase {
  readonly name: string;
  /** Whether the phase runs for this equipment when the behavior does not say (e.g. breakdown iff mtbf is set). */
  enabledByDefault(spec: Pick<MachineSpec, 'mtbfS' | 'jamProb' | 'detectionProb' | 'defectRate'>): boolean;
  run(machine: Machine, cycle: Cycle): ProcessGenerator<void> | undefined;
}

/** PHASE 1: take batch_in inputs from upstream (STARVED while waiting). The batch size follows the first unit's SKU. */
export const collectPhase: Phase = {
  name: 'collect',
  enabledByDefault: () => true,
  run: (machine, cycle) => {
    // Without waiting when the inputs are there (a flowing line); a generator only when it must wait.
    const inputs = cycle.inputs;
    if (inputs.length === 0) {
      const first = machine.takeNow();
      if (first === undefined) return collect(machine, cycle);
      inputs.push(first);
    }
    const size = machine.batchSize((inputs[0] as Item).sku);
    while (inputs.length < size) {
      const item = machine.takeNow();
      if (item === undefined) return collect(machine, cycle);
      inputs.push(item);
    }
    return undefined;
  },
};

function* collect(machine: Machine, cycle: Cycle): ProcessGenerator<void> {
  const inputs = cycle.inputs;
  if (inputs.length === 0) inputs.push(yield* machine.take());
  const size = machine.batchSize((inputs[0] as Item).sku);
  while (inputs.length < size) inputs.push(machine.takeNow() ?? (yield* machine.take()));
}

/** PHASE 2: operation-dependent failures (Poisson in operating time); DOWN for the repair time. */
export const breakdownPhase: Phase = {
  name: 'breakdown',
  enabledByDefault: (spec) => spec.mtbfS !== null,
  run: (machine) => (machine.ttf <= machine.executeSeconds() ? machine.breakDown() : undefined),
};

/** PHASE 3: micro-stop with probability jam_prob per cycle; JAMMED for jam_time_sec. */
export const microstopPhase: Phase = {
  name: 'microstop',
  enabledByDefault: (spec) => spec.jamProb > 0,
  run: (machine) => (machine.rngJam.bernoulli(machine.spec.jamProb) ? jam(machine) : undefined),
};

function* jam(machine: Machine): ProcessGenerator<void> {
  machine.setState('JAMMED', 'JAM', { jam_s: machine.spec.jamTimeS });
  yield* machine.work(machine.spec.jamTimeS);
  machine.setState('EXECUTE', 'JAM_CLEARED');
}

/** PHASE 4: the cycle itself, cycle_time_sec / speed factor in EXECUTE. */
export const executePhase: Phase = {
  name: 'execute',
  enabledByDefault: () => true,
  run: (machine) => execute(machine),
};

function* execute(machine: Machine): ProcessGenerator<void> {
  machine.setState('EXECUTE');
  const seconds = machine.executeSeconds();
  machine.cycleStart = machine.env.now;
  yield* machine.work(seconds);
  machine.cycleStart = -1;
  machine.ttf -= seconds;
  machine.idealS += machine.spec.cycleTimeS;
}

/**
 * PHASE 5: makes the output unit from the inputs (tubes -> case -> pallet: base units add up) or passes the inputs
 * through (output_type none); each output becomes defective with probability defect_rate.
 */
export const transformPhase: Phase = {
  name: 'transform',
  enabledByDefault: () => true,
  run: (machine, cycle) => {
    const type = machine.spec.outputType;
    if (type === null) {
      for (const item of cycle.inputs) cycle.outputs.push(item);
    } else {
      let units = 0;
      let defective = false;
      let flagged = false;
      for (const item of cycle.inputs) {
        units += item.units;
        defective ||= item.defective;
        flagged ||= item.flagged;
      }
      const sku = (cycle.inputs[0] as Item).sku;
      cycle.outputs.push({ kind: type, units, sku, defective, flagged, createdDefect: false });
      machine.line.countCreated(type, 1);
    }
    if (machine.defectRate > 0) {
      for (const item of cycle.outputs) {
        if (machine.rngDefect.bernoulli(machine.defectRate)) {
          if (!item.defective) {
            item.defective = true;
            item.createdDefect = true;
          }
          machine.counts.defects_created++;
          machine.line.countDefectCreated();
        }
      }
    }
    return undefined;
  },
};

/** PHASE 6: a defective output is found with probability detection_prob (it is then routed as is_defective). */
export const inspectPhase: Phase = {
  name: 'inspect',
  enabledByDefault: (spec) => spec.detectionProb > 0,
  run: (machine, cycle) => {
    for (const item of cycle.outputs) {
      if (item.defective && !item.flagged && machine.rngInspect.bernoulli(machine.spec.detectionProb)) {
        item.flagged = true;
        machine.counts.defects_detected++;
        machine.line.countDefectDetected();
        cycle.flagged.push(item);
      }
    }
    return undefined;
  },
};

/**
 * Phase implementations by name. Behaviors name them either way (`breakdown` or `BreakdownPhase`); add an entry
 * here to make a new phase available to behaviors/*.yaml.
 */
export const PHASE_REGISTRY: Readonly<Record<string, Phase>> = {
  collect: collectPhase,
  breakdown: breakdownPhase,
  microstop: microstopPhase,
  execute: executePhase,
  transform: transformPhase,
  inspect: inspectPhase,
  CollectPhase: collectPhase,
  BreakdownPhase: breakdownPhase,
  MicrostopPhase: microstopPhase,
  ExecutePhase: executePhase,
  TransformPhase: transformPhase,
  InspectPhase: inspectPhase,
};

/** The seed's default cycle (behaviors/default_6phase.yaml). */
export const DEFAULT_PHASES = ['collect', 'breakdown', 'microstop', 'execute', 'transform', 'inspect'] as const;
