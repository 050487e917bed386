import type { RandomStream } from '@doppel/engine';
import type { JsonObject } from '@doppel/twin';
import { expandPortTemplate } from '@doppel/twin/contracts';
import type { z } from 'zod';

export type PortDirection = 'in' | 'out';

/** A port of a component: a named, directed signal with a unit. */
export interface PortSpec {
  readonly name: string;
  readonly direction: PortDirection;
  /**
   * A unit symbol (see UNITS), or a unit variable `$name` shared by the component's ports of that variable: a
   * connection or the property named in the type's `unitProperties` fixes it (a sensor measures what it is wired to).
   */
  readonly unit: string;
  readonly description: string;
  /** Inputs: the value read while nothing is connected. */
  readonly default?: number;
  /**
   * Inputs: whether an output depends on this input within the same instant (direct feedthrough). Evaluation
   * orders components along these dependencies; a cycle of them is an algebraic loop. Default true.
   */
  readonly feedthrough?: boolean;
}

/** A port of a template: with `repeat`, one per count of that integer property (`{i}` in name, unit, description). */
export interface PortTemplate extends PortSpec {
  readonly repeat?: string;
}

/**
 * A type's ports from a template (a mixer's inlets repeat with its `inlets` property): `ports` expands it, and the
 * catalogue ships the template itself, so the canvas draws the ports of any properties as the model compiles them.
 */
export function templatePorts<P>(template: readonly PortTemplate[]): Pick<ComponentType<P>, 'ports' | 'portTemplate'> {
  return {
    portTemplate: template,
    ports: (props) => expandPortTemplate(template, props as Readonly<Record<string, unknown>>),
  };
}

/** What a component instance may use of its simulation. */
export interface BlockContext {
  readonly id: string;
  /** The integration step (s). */
  readonly step: number;
  /** An independent random stream of this component (noise, dropouts): `process/<id>/<name>` of the run seed. */
  rng(name: string): RandomStream;
  /** Records a discrete change of this component (a trip, a switch, an overflow) in the ledger now. */
  event(type: string, meta?: JsonObject): void;
  /** Whether the named input port is connected (an unconnected one reads its default). */
  connected(port: string): boolean;
}

/**
 * A component instance during a run. Its inputs `u` and outputs `y` are views, in port order, on the model's
 * signal arrays; its continuous states are `stateCount` numbers at offset `o` of the state vector the
 * integrator passes in (a different vector at each stage of a step, so a block never keeps them itself).
 *
 * Each evaluation the model gathers `u`, then calls `output`; after outputs of every block, `derivative`. After each
 * completed step it calls `update` (discrete changes: sampling, switching, faults), which may change its states.
 */
export interface Block {
  u: Float64Array;
  y: Float64Array;
  readonly stateCount: number;
  /**
   * True when the outputs change only in `start`, `update` or an intervention (a sampled sensor, a constant): the
   * model then skips `output` at the integrator's stages, which is most of the work of a step.
   */
  readonly held?: boolean;
  /** Writes the initial continuous states into x[o..]. */
  init?(x: Float64Array, o: number): void;
  /** Once at t = 0 with the first inputs gathered (initial samples, filter states). */
  start?(t: number, x: Float64Array, o: number): void;
  output(t: number, x: ArrayLike<number>, o: number): void;
  derivative?(t: number, x: ArrayLike<number>, o: number, dx: Float64Array): void;
  /**
   * Returns false when it changed nothing `output` reads (states, inputs it latched, modes): the outputs evaluated
   * at the end of the step then still hold at the start of the next, which the model reuses instead of evaluating
   * the block again. Anything else (nothing returned) counts as a change. Held blocks need not answer: the model
   * compares their outputs.
   */
  update?(t: number, dt: number, x: Float64Array, o: number): boolean | void;
  /** Ledger fields beyond the output ports (mode, faults, totals), plain JSON. */
  extras?(x: ArrayLike<number>, o: number): JsonObject;
  /** Whether the component is in a fault state (the status shows it red). */
  faulted?(): boolean;
}

/** The base of blocks: empty signal views until the model wires them. */
export abstract class BlockBase implements Block {
  u: Float64Array = new Float64Array(0);
  y: Float64Array = new Float64Array(0);
  // Declared, not initialised here: a subclass's own initialiser must not redefine a base field (slow objects).
  abstract readonly stateCount: number;
  abstract output(t: number, x: ArrayLike<number>, o: number): void;
}

export type ComponentCategory = 'source' | 'process' | 'measurement' | 'control' | 'output';

/** A kind of component: its properties (a zod schema, the properties editor is generated from it), ports, behaviour. */
export interface ComponentType<P = unknown> {
  readonly type: string;
  readonly title: string;
  readonly description: string;
  readonly category: ComponentCategory;
  /** A `z.strictObject` whose every field has a default, so `{}` is a valid component. */
  readonly properties: z.ZodType<P>;
  /** The ports for these properties (a mixer has as many inlets as its property says). */
  ports(props: P): readonly PortSpec[];
  /** When the ports follow a template ({@link templatePorts}): the template, for editors to expand. */
  readonly portTemplate?: readonly PortTemplate[];
  /** Unit variables a property fixes: `{ $u: 'unit' }`. */
  readonly unitProperties?: Readonly<Record<string, string>>;
  /** Schema of the ledger fields `extras` returns. */
  readonly extraState?: z.ZodRawShape;
  create(props: P, ctx: BlockContext): Block;
}

/** A type-erased component type, as the catalogue holds them. */
// Properties are contravariant in `create`; the model parses them with the type's own schema before creating.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyComponentType = ComponentType<any>;

/**
 * An externally stepped model (an FMU in co-simulation, a PLC program): inputs set, `step(t, dt)`, outputs read. It
 * plugs in as a block through {@link steppedBlock}: no direct feedthrough, stepped after each completed step.
 */
export interface SteppedModel {
  setInputs(u: ArrayLike<number>): void;
  step(t: number, dt: number): void;
  getOutputs(y: Float64Array): void;
}

/** A block around a stepped model: its outputs are those of its last step (one step of delay, as in co-simulation). */
export function steppedBlock(model: SteppedModel): Block {
  return new (class extends BlockBase {
    readonly stateCount = 0;
    readonly held = true;
    start(): void {
      model.getOutputs(this.y);
    }
    output(): void {
      // Outputs hold between steps.
    }
    update(t: number, dt: number): void {
      model.setInputs(this.u);
      model.step(t - dt, dt);
      model.getOutputs(this.y);
    }
  })();
}
