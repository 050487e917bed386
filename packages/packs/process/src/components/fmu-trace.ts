import type { Asset, JsonObject } from '@doppel/twin';
import { FmuBlock, isPortVariable, type FmuModel, type FmuRunner, type FmuValue } from './fmu.js';

/** One exchange of a block with its FMU instance, or a message the FMU logged, in the order they happened. */
export type FmuCall =
  | {
      readonly op: 'step';
      readonly t: number;
      readonly dt: number;
      readonly inputs: readonly number[];
      /** The outputs after the step. */
      readonly outputs: readonly number[];
    }
  | { readonly op: 'set'; readonly values: Readonly<Record<string, FmuValue>> }
  | { readonly op: 'log'; readonly meta: JsonObject };

/**
 * What a run hands to a re-execution of the same history (a branch) so that it need not step its FMU from the
 * start: every call the FMU answered since initialisation with its outputs, and the FMU's saved state after the
 * last one. A re-execution whose calls are those of the trace takes the recorded outputs; at the end of the trace
 * it restores the state into a new instance and steps on from there. Structured-clonable (crosses to a worker).
 */
export interface FmuResume {
  /** The outputs right after initialisation. */
  readonly initial: readonly number[];
  readonly calls: readonly FmuCall[];
  /** The FMU's state after the last call (FmuModel.saveState). */
  readonly state: Uint8Array;
}

const sameNumbers = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
};
const canonical = (values: Readonly<Record<string, FmuValue>>): string =>
  JSON.stringify(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * An FMU component's instance behind a trace: it records every call (for the branches of this run) and, given the
 * trace of an earlier run, answers the same calls from it without starting the FMU. The instance starts at the
 * first call that leaves the trace: restored from the saved state when the whole trace was consumed, otherwise
 * re-executed through the consumed calls (exact, only slower). Either way the FMU's answers and its log messages
 * are those a fresh run would give, so the ledger is the same.
 */
class TracedFmuModel implements FmuModel {
  private real: FmuModel | null = null;
  private calls: FmuCall[];
  private position = 0;
  private recording = true;
  /** Log messages of the FMU are not recorded or forwarded while it re-executes calls already answered. */
  private muted = false;
  private readonly initial: number[];
  private readonly u: number[] = [];
  private readonly y: Float64Array;

  constructor(
    private readonly open: (log: (meta: JsonObject) => void) => FmuModel,
    outputs: number,
    private readonly log: (meta: JsonObject) => void,
    private readonly resume: FmuResume | null,
    private readonly note: (message: string) => void,
  ) {
    this.y = new Float64Array(outputs);
    if (resume === null) {
      this.calls = [];
      this.real = open((meta) => this.onLog(meta));
      this.real.getOutputs(this.y);
      this.initial = Array.from(this.y);
      this.recording = this.real.canSaveState === true;
    } else {
      this.calls = [...resume.calls];
      this.initial = [...resume.initial];
      this.y.set(this.initial);
      this.replayLogs();
    }
  }

  setInputs(u: ArrayLike<number>): void {
    this.u.length = u.length;
    for (let i = 0; i < u.length; i++) this.u[i] = u[i] as number;
  }

  step(t: number, dt: number): void {
    if (this.real === null) {
      const next = this.calls[this.position];
      if (next?.op === 'step' && Object.is(next.t, t) && Object.is(next.dt, dt) && sameNumbers(next.inputs, this.u)) {
        this.y.set(next.outputs);
        this.position++;
        this.replayLogs();
        return;
      }
    }
    const real = this.materialise();
    real.setInputs(this.u);
    real.step(t, dt);
    real.getOutputs(this.y);
    if (this.recording) this.calls.push({ op: 'step', t, dt, inputs: [...this.u], outputs: Array.from(this.y) });
  }

  getOutputs(y: Float64Array): void {
    y.set(this.y.subarray(0, y.length));
  }

  set(values: Readonly<Record<string, FmuValue>>): void {
    if (this.real === null) {
      const next = this.calls[this.position];
      if (next?.op === 'set' && canonical(next.values) === canonical(values)) {
        this.position++;
        this.replayLogs();
        return;
      }
    }
    this.materialise().set(values);
    if (this.recording) this.calls.push({ op: 'set', values: { ...values } });
  }

  /** The trace up to now with the FMU's state now, or null when the FMU cannot save its state. */
  trace(): FmuResume | null {
    if (this.real === null) {
      // Nothing left the trace yet: the state saved at its end is the state now only if all of it was consumed.
      if (this.resume === null || this.position !== this.calls.length) return null;
      return { initial: this.initial, calls: this.calls.slice(), state: this.resume.state };
    }
    if (!this.recording || this.real.saveState === undefined) return null;
    return { initial: this.initial, calls: this.calls.slice(), state: this.real.saveState() };
  }

  close(): void {
    this.real?.close();
    this.real = null;
  }

  private onLog(meta: JsonObject): void {
    if (this.muted) return;
    if (this.recording) this.calls.push({ op: 'log', meta });
    this.log(meta);
  }

  /** Emits the log messages the trace holds at the current position (those the FMU wrote after the last call). */
  private replayLogs(): void {
    for (let next = this.calls[this.position]; next?.op === 'log'; next = this.calls[++this.position])
      this.log(next.meta);
  }

  private materialise(): FmuModel {
    if (this.real !== null) return this.real;
    const resume = this.resume as FmuResume;
    const consumed = this.calls.slice(0, this.position);
    this.muted = true;
    let real: FmuModel;
    try {
      real = this.open((meta) => this.onLog(meta));
      if (this.position === this.calls.length && real.restoreState !== undefined) {
        real.restoreState(resume.state);
      } else {
        this.note(
          `re-executing the FMU through ${consumed.filter((call) => call.op === 'step').length} steps: the run left the recorded history before its end`,
        );
        for (const call of consumed) {
          if (call.op === 'set') real.set(call.values);
          else if (call.op === 'step') {
            real.setInputs(call.inputs);
            real.step(call.t, call.dt);
          }
        }
      }
    } finally {
      this.muted = false;
    }
    this.real = real;
    this.calls = consumed;
    this.recording = real.canSaveState === true;
    if (!this.recording) this.calls = [];
    return real;
  }
}

/**
 * Wraps a runner so that FMU components whose FMU can save its state keep a trace of their calls (see
 * {@link FmuResume}); the components named in `resumes` continue from the trace and state an earlier run of the same
 * history left (each resume serves the first instance of its component, then is forgotten). An FMU that cannot save
 * its state is not traced (its trace() is null): its branches re-execute it from the start.
 */
export function tracedFmuRunner(
  inner: FmuRunner,
  resumes: Map<string, FmuResume> = new Map(),
  note: (componentId: string, message: string) => void = () => undefined,
): FmuRunner {
  return (props, context) => {
    const resume = resumes.get(context.id) ?? null;
    resumes.delete(context.id);
    const outputs = props.variables.filter((v) => isPortVariable(v) && v.causality === 'output').length;
    const open = (log: (meta: JsonObject) => void): FmuModel => inner(props, { ...context, log });
    return new TracedFmuModel(open, outputs, context.log, resume, (message) => note(context.id, message));
  };
}

/**
 * What a branch taken now from a process simulation can continue from: the trace of each FMU component (by id), and
 * the FMU components that have none (their FMU cannot save its state, or it was not started), which the branch
 * re-executes from the start.
 */
export function fmuResumesOf(assets: readonly Asset<JsonObject, unknown>[]): {
  readonly resumes: Map<string, FmuResume>;
  readonly untraced: string[];
} {
  const resumes = new Map<string, FmuResume>();
  const untraced: string[] = [];
  for (const asset of assets) {
    const block = (asset.runtime as { block?: unknown } | undefined)?.block;
    if (!(block instanceof FmuBlock)) continue;
    const trace = block.trace();
    if (trace === null) untraced.push(asset.id);
    else resumes.set(asset.id, trace);
  }
  return { resumes, untraced };
}
