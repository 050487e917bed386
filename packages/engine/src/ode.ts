import type { Environment } from './environment.js';
import { DoppelError, ENGINE_ERROR_CODES, Interrupt } from './errors.js';
import type { Process, ProcessGenerator } from './process.js';

/**
 * A state vector. A Float64Array is the fast one: the integrator's own stage vectors are Float64Arrays, so a
 * component whose state is one too sees a single array kind at every access.
 */
export type OdeVector = Float64Array | number[];

/** A continuous subsystem integrated on the DES clock: dy/dt = f(t, y). */
export interface OdeComponent {
  /** The state vector, updated in place after each step. */
  state: OdeVector;
  /**
   * Writes dy/dt at (t, y) into `dydt` (same length as y). Must not modify `y`, which is the state itself or one of
   * the integrator's stage vectors.
   */
  derivatives(t: number, y: OdeVector, dydt: Float64Array): void;
  /** Called after each completed step with the new time and state (e.g. to emit events or check thresholds). */
  afterStep?(t: number, y: OdeVector): void;
}

export type OdeMethod = 'euler' | 'rk4';

export interface IntegrateOptions {
  /** Fixed step in sim time units. */
  step: number;
  method?: OdeMethod;
  components?: Iterable<OdeComponent>;
  /** Process name (default 'ode'). */
  name?: string;
}

export interface IntegrationHandle {
  readonly process: Process<number>;
  /** Components currently integrated, in integration order. */
  readonly components: readonly OdeComponent[];
  /** Completed steps so far. */
  readonly steps: number;
  add(component: OdeComponent): void;
  remove(component: OdeComponent): boolean;
  /**
   * Integrates from the end of the last step to `env.now` with one shorter step (then `afterStep`), so a change made
   * now between two steps (an intervention, a fault) acts from this exact instant; the next step then ends at its
   * scheduled time. Does nothing when the last step ended now.
   */
  synchronize(): void;
  /** Stops integrating; the process ends with the number of completed steps. */
  stop(): void;
}

/** A component's stage vectors, allocated once per state length (a step allocates nothing). */
interface Scratch {
  k1: Float64Array;
  k2: Float64Array;
  k3: Float64Array;
  k4: Float64Array;
  tmp: Float64Array;
}

function scratchOf(n: number): Scratch {
  return {
    k1: new Float64Array(n),
    k2: new Float64Array(n),
    k3: new Float64Array(n),
    k4: new Float64Array(n),
    tmp: new Float64Array(n),
  };
}

const STOP = Symbol('ode-stop');

/**
 * Fixed-step integration of continuous components that share the DES clock: a process that, every `step`,
 * advances each component's state from t - step to t (explicit Euler or classic RK4). Components can be
 * added and removed while it runs; each is integrated independently (couple them by reading shared state).
 */
export function integrate(env: Environment, options: IntegrateOptions): IntegrationHandle {
  const h = options.step;
  if (!(h > 0) || h === Infinity) {
    throw new DoppelError(ENGINE_ERROR_CODES.ODE_INVALID, `ODE step must be a finite number > 0, got ${h}.`);
  }
  const method = options.method ?? 'rk4';
  if (method !== 'euler' && method !== 'rk4') {
    throw new DoppelError(
      ENGINE_ERROR_CODES.ODE_INVALID,
      `ODE method must be 'euler' or 'rk4', got ${String(method)}.`,
    );
  }
  // Copy on write: add and remove replace these arrays, so a step that is iterating them (an afterStep adding a
  // component) keeps its snapshot without copying the list at every step.
  let components: readonly OdeComponent[] = [];
  let scratches: Scratch[] = [];
  let steps = 0;
  let stopped = false;

  const add = (component: OdeComponent): void => {
    const state: unknown = component.state;
    if (!(Array.isArray(state) || state instanceof Float64Array) || typeof component.derivatives !== 'function') {
      throw new DoppelError(
        ENGINE_ERROR_CODES.ODE_INVALID,
        'An ODE component needs a state array and a derivatives function.',
      );
    }
    if (components.includes(component)) return;
    components = [...components, component];
    scratches = [...scratches, scratchOf(component.state.length)];
  };
  for (const c of options.components ?? []) add(c);

  function advanceOne(c: OdeComponent, stages: Scratch[], index: number, t0: number, h: number): void {
    const y = c.state;
    const n = y.length;
    let s = stages[index] as Scratch;
    // A component may replace its state vector by one of another length between steps.
    if (s.k1.length !== n) stages[index] = s = scratchOf(n);
    const { k1, k2, k3, k4, tmp } = s;
    c.derivatives(t0, y, k1);
    if (method === 'euler') {
      for (let i = 0; i < n; i++) y[i] += h * k1[i];
      return;
    }
    const half = h / 2;
    for (let i = 0; i < n; i++) tmp[i] = y[i] + half * k1[i];
    c.derivatives(t0 + half, tmp, k2);
    for (let i = 0; i < n; i++) tmp[i] = y[i] + half * k2[i];
    c.derivatives(t0 + half, tmp, k3);
    for (let i = 0; i < n; i++) tmp[i] = y[i] + h * k3[i];
    c.derivatives(t0 + h, tmp, k4);
    for (let i = 0; i < n; i++) y[i] += (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }

  // End of the last (full or synchronising) step: a step integrates from here to now.
  let last = env.now;
  // A step that no synchronisation shortened uses exactly `h` (not now - last, which rounding may shift).
  let shortened = false;

  function advanceAll(full: boolean): boolean {
    const t = env.now;
    const dt = full && !shortened ? h : t - last;
    if (!(dt > 0)) return false;
    shortened = !full;
    // Snapshot: components added or removed by an afterStep take effect from the next step.
    const active = components;
    const stages = scratches;
    for (let i = 0; i < active.length; i++) advanceOne(active[i] as OdeComponent, stages, i, last, dt);
    last = t;
    for (let i = 0; i < active.length; i++) {
      const c = active[i] as OdeComponent;
      c.afterStep?.(t, c.state);
    }
    return true;
  }

  function* body(): ProcessGenerator<number> {
    while (!stopped) {
      try {
        yield env.timeout(h);
      } catch (error) {
        if (error instanceof Interrupt && error.cause === STOP) break;
        throw error;
      }
      if (advanceAll(true)) steps++;
    }
    return steps;
  }

  const process = env.process(body(), options.name ?? 'ode');

  return {
    process,
    get components(): readonly OdeComponent[] {
      return components.slice();
    },
    get steps(): number {
      return steps;
    },
    add,
    remove(component: OdeComponent): boolean {
      const i = components.indexOf(component);
      if (i < 0) return false;
      components = components.filter((_, k) => k !== i);
      scratches = scratches.filter((_, k) => k !== i);
      return true;
    },
    synchronize(): void {
      if (!stopped) advanceAll(false);
    },
    stop(): void {
      if (stopped) return;
      stopped = true;
      // From outside the process, end it now instead of at its next step.
      if (process.isAlive && env.activeProcess !== process) process.interrupt(STOP);
    },
  };
}
