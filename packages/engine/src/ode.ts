import type { Environment } from './environment.js';
import { DoppelError, ENGINE_ERROR_CODES, Interrupt } from './errors.js';
import type { Process, ProcessGenerator } from './process.js';

/** A continuous subsystem integrated on the DES clock: dy/dt = f(t, y). */
export interface OdeComponent {
  /** The state vector, updated in place after each step. */
  state: number[];
  /** Writes dy/dt at (t, y) into `dydt` (same length as y). Must not modify `y`. */
  derivatives(t: number, y: readonly number[], dydt: number[]): void;
  /** Called after each completed step with the new time and state (e.g. to emit events or check thresholds). */
  afterStep?(t: number, y: number[]): void;
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

interface Scratch {
  k1: number[];
  k2: number[];
  k3: number[];
  k4: number[];
  tmp: number[];
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
  const components: OdeComponent[] = [];
  const scratch = new Map<OdeComponent, Scratch>();
  let steps = 0;
  let stopped = false;

  const add = (component: OdeComponent): void => {
    if (!Array.isArray(component.state) || typeof component.derivatives !== 'function') {
      throw new DoppelError(
        ENGINE_ERROR_CODES.ODE_INVALID,
        'An ODE component needs a state array and a derivatives function.',
      );
    }
    if (!components.includes(component)) components.push(component);
  };
  for (const c of options.components ?? []) add(c);

  function advanceOne(c: OdeComponent, t0: number, h: number): void {
    const y = c.state;
    const n = y.length;
    let s = scratch.get(c);
    if (s === undefined || s.k1.length !== n) {
      s = {
        k1: new Array(n).fill(0),
        k2: new Array(n).fill(0),
        k3: new Array(n).fill(0),
        k4: new Array(n).fill(0),
        tmp: new Array(n).fill(0),
      };
      scratch.set(c, s);
    }
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
    const active = components.slice();
    for (const c of active) advanceOne(c, last, dt);
    last = t;
    for (const c of active) c.afterStep?.(t, c.state);
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
      components.splice(i, 1);
      scratch.delete(component);
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
