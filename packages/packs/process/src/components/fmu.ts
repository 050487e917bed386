import type { JsonObject } from '@doppel/twin';
import { fmuPorts, isFmuPortVariable } from '@doppel/twin/contracts';
import { z } from 'zod';
import { BlockBase, type BlockContext, type ComponentType, type SteppedModel } from '../component.js';
import { FmuComponentError } from '../errors.js';
import { UNITS } from '../units.js';
import type { FmuResume } from './fmu-trace.js';

/** A value an FMU variable takes: FMI numbers, Booleans and strings. */
export type FmuValue = number | boolean | string;

const fmuValue = z.union([z.number(), z.boolean(), z.string().max(10_000)]);

const fmuVariable = z.strictObject({
  name: z.string().min(1).max(1000),
  causality: z.enum(['input', 'output', 'parameter']),
  variability: z.enum(['constant', 'fixed', 'tunable', 'discrete', 'continuous']),
  type: z.string().min(1).max(32),
  unit: z.string().max(64).optional(),
  start: fmuValue.optional(),
  description: z.string().max(2000).optional(),
});
export type FmuVariableSpec = z.infer<typeof fmuVariable>;

/**
 * An FMU on the canvas: the uploaded FMU it runs, its interface as its modelDescription.xml declares it (filled in
 * from the stored FMU when the model is checked or run, so a run's scenario holds what it ran), start values of its
 * parameters, and its communication step.
 */
export const fmuProps = z
  .strictObject({
    fmu: z.string().min(1).max(64).describe('Id of the uploaded FMU (see /api/v1/fmus).'),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional()
      .describe('SHA-256 of the archive (filled in from the stored FMU): a run uses exactly this archive.'),
    variables: z
      .array(fmuVariable)
      .max(10_000)
      .default([])
      .describe("The FMU's inputs, outputs and parameters, in modelDescription order (filled in from the FMU)."),
    parameters: z
      .record(z.string(), fmuValue)
      .default({})
      .describe('Start values of parameters and inputs, set before initialisation.'),
    step_s: z
      .number()
      .positive()
      .max(3600)
      .optional()
      .describe(
        'Communication step (s): the FMU steps at the first completed model step this long after its last point (default: every model step; a multiple of it keeps the points exact).',
      ),
  })
  .superRefine((p, ctx) => {
    const byName = new Map(p.variables.map((v) => [v.name, v]));
    for (const name of Object.keys(p.parameters)) {
      const variable = byName.get(name);
      if (variable === undefined || variable.causality === 'output')
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', name],
          message: `FMU ${p.fmu} has no parameter or input "${name}" (it has ${
            p.variables
              .filter((v) => v.causality !== 'output')
              .map((v) => v.name)
              .join(', ') || 'none'
          })`,
        });
      else if (variable.variability === 'constant')
        ctx.addIssue({ code: 'custom', path: ['parameters', name], message: `"${name}" is a constant of the FMU` });
    }
  });
export type FmuProps = z.infer<typeof fmuProps>;

/** Whether a variable is exchanged through a port (numbers and Booleans; strings are not signals). */
export const isPortVariable: (v: Pick<FmuVariableSpec, 'causality' | 'type'>) => boolean = isFmuPortVariable;

/** What a running FMU component does: the calling sequence is the runner's, the block only exchanges values. */
export interface FmuModel extends SteppedModel {
  /** Sets parameters or inputs by name in step mode (tunable parameters only, as the standard allows). */
  set(values: Readonly<Record<string, FmuValue>>): void;
  close(): void;
  /** Whether saveState and restoreState work: the FMU can save its state as bytes and restore it in a new instance. */
  readonly canSaveState?: boolean;
  saveState?(): Uint8Array;
  restoreState?(state: Uint8Array): void;
  /** Its calls so far and its state now, for a branch to continue from (see tracedFmuRunner), or null. */
  trace?(): FmuResume | null;
}

/** Starts an FMU component's instance up to step mode (where FMUs can run: the server's simulation workers). */
export type FmuRunner = (props: FmuProps, context: FmuRunContext) => FmuModel;

export interface FmuRunContext {
  /** The component's id. */
  readonly id: string;
  readonly startTime: number;
  /** Records a message of the FMU's logger in the ledger. */
  log(meta: JsonObject): void;
}

let runner: FmuRunner | null = null;

/**
 * Closes the instances of blocks nobody holds any more (a run dropped without an end: a re-execution for a past
 * state, a replaced timeline), so their host processes end; a model ended in order closes them at once.
 */
const unreachable = new FinalizationRegistry<FmuModel>((model) => model.close());

/** Installs how FMU components start (null: none, FMU components then fail to build with a clear error). */
export function useFmuRunner(next: FmuRunner | null): void {
  runner = next;
}

/**
 * An FMU as a block, on a fixed-step master algorithm: after each completed model step it counts toward its
 * communication step; at each communication point it sets its inputs (the values at that point), does one step of
 * the communication step's length and reads its outputs, which then hold until the next point. An input set by an
 * intervention replaces the value of an unconnected input port from then on.
 */
export class FmuBlock extends BlockBase {
  readonly stateCount = 0;
  readonly held = true;
  private readonly values: Float64Array;
  private readonly overrides = new Map<number, number>();
  /** The communication step (0: every completed model step). */
  private readonly interval: number;
  private lastPoint = 0;
  private model: FmuModel | null = null;

  constructor(
    readonly p: FmuProps,
    private readonly ctx: BlockContext,
  ) {
    super();
    const inputs = p.variables.filter((v) => isPortVariable(v) && v.causality === 'input');
    this.values = new Float64Array(inputs.length);
    this.interval = p.step_s ?? 0;
  }

  /** The instance (started on first use: the model's start time is known then). */
  private instance(t: number): FmuModel {
    if (this.model !== null) return this.model;
    if (runner === null)
      throw new Error(`${this.ctx.id}: FMU components run in the server's simulations (no FMU runner here)`);
    const started = this.located(t, t, () =>
      (runner as FmuRunner)(this.p, {
        id: this.ctx.id,
        startTime: t,
        log: (meta) => this.ctx.event('FMU_LOG', meta),
      }),
    );
    this.model = started;
    unreachable.register(this, started, this);
    return started;
  }

  /**
   * Runs a call of the instance; a failure (a crash, a hang past the call timeout, an error status, a termination
   * request) becomes an error that names this component and the step, and the instance is closed at once so its
   * host process ends with the simulation's failure rather than with the run.
   */
  private located<T>(from: number, to: number, call: () => T): T {
    try {
      return call();
    } catch (error) {
      if (error instanceof FmuComponentError) throw error;
      this.close();
      const code = (error as { code?: unknown } | null)?.code;
      throw new FmuComponentError(this.ctx.id, from, to, typeof code === 'string' ? code : null, error);
    }
  }

  start(t: number): void {
    this.lastPoint = t;
    const model = this.instance(t);
    this.located(t, t, () => model.getOutputs(this.y));
  }

  output(): void {
    // Outputs hold between communication points.
  }

  update(t: number): void {
    // By time, not by counted steps: an intervention between steps ends a short step there, and sums of steps
    // drift from multiples of the communication step by rounding.
    if (t < this.lastPoint + this.interval - 1e-9 * Math.max(1, Math.abs(t))) return;
    const model = this.instance(t);
    const u = this.values;
    for (let k = 0; k < u.length; k++) u[k] = this.overrides.get(k) ?? (this.u[k] as number);
    this.located(this.lastPoint, t, () => {
      model.setInputs(u);
      model.step(this.lastPoint, t - this.lastPoint);
      model.getOutputs(this.y);
    });
    this.lastPoint = t;
  }

  /** Holds an unconnected input port at a value from now on (the value its next communication point sets). */
  holdInput(slot: number, value: number): void {
    this.overrides.set(slot, value);
  }

  /** Sets a parameter in step mode (the runner checks what the standard allows: tunable parameters). */
  setParameter(name: string, value: FmuValue): void {
    // A refused value is the intervention's failure (with the FMU's reason), not the simulation's.
    this.instance(this.lastPoint).set({ [name]: value });
  }

  /** The instance's calls and state now, for a branch taken now (null: its FMU cannot save its state). */
  trace(): FmuResume | null {
    return this.model?.trace?.() ?? null;
  }

  close(): void {
    unreachable.unregister(this);
    this.model?.close();
    this.model = null;
  }
}

export const fmuType: ComponentType<FmuProps> = {
  type: 'fmu',
  title: 'FMU',
  description: 'A co-simulation FMU (FMI 2.0 or 3.0) stepped with the model at its communication step.',
  category: 'process',
  properties: fmuProps,
  ports: (p) => fmuPorts(p.variables, (unit) => UNITS[unit] !== undefined),
  create: (p, ctx) => new FmuBlock(p, ctx),
};
