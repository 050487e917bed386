import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEvents, setTimeout as sleep } from 'node:timers/promises';
import { type Binding, type DevicePort, type SignalValue, movedBeyondDeadband, toDevice, toModel } from './binding.js';
import { Samples } from './stats.js';

/** The simulated side of the loop: given this cycle's inputs, advance by `dt_s` and return the outputs to write. */
export interface HilModel {
  step(
    inputs: ReadonlyMap<string, SignalValue>,
    dt_s: number,
  ): Readonly<Record<string, SignalValue>> | Promise<Readonly<Record<string, SignalValue>>>;
}

export type LoopState = 'idle' | 'running' | 'paused' | 'waiting-for-inputs' | 'stopped';
export type BindingState = 'connected' | 'lost';

export type LoopEvent =
  | { readonly type: 'binding'; readonly signal: string; readonly state: BindingState; readonly error?: string }
  | { readonly type: 'overrun'; readonly cycle: number; readonly late_ms: number }
  | { readonly type: 'state'; readonly state: LoopState };

export interface LoopStats {
  readonly cycles: number;
  readonly overruns: number;
  readonly jitter_p50_ms: number;
  readonly jitter_p99_ms: number;
  readonly jitter_max_ms: number;
  readonly read_to_write_p50_ms: number;
  readonly read_to_write_p99_ms: number;
  readonly writes: number;
  readonly writes_skipped_by_deadband: number;
  /** Outputs written again, unchanged, because their device reconnected or their last write failed. */
  readonly rewrites: number;
}

export interface HilLoopOptions {
  /** Cycle period in ms (10 for 100 Hz). */
  readonly periodMs: number;
  readonly bindings: readonly Binding[];
  readonly model: HilModel;
}

interface InputSlot {
  value: SignalValue | undefined;
  sampledAt: number;
  state: BindingState;
}

/**
 * The hardware-in-the-loop cycle, in real time: read every input binding, step the model by one period, write every
 * output binding. Cycles start on a fixed grid (start + n × period), so one slow cycle does not shift the next ones;
 * a cycle that ends past its successor's start is an overrun, counted and reported, and the missed slots are
 * skipped. Pause holds the outputs (nothing is written); stop writes each output's safe value.
 */
export class HilLoop {
  private loopState: LoopState = 'idle';
  private readonly inputs = new Map<string, InputSlot>();
  /** The value each output's device last acknowledged. */
  private readonly lastWritten = new Map<string, SignalValue>();
  /** The value the model last gave each output: what the device should hold, written or not. */
  private readonly lastOutput = new Map<string, SignalValue>();
  /** Outputs whose device may not hold `lastOutput` (it reconnected, or the write failed): written whatever the deadband. */
  private readonly stale = new Set<string>();
  private readonly unsubscribes: (() => void)[] = [];
  private readonly listeners = new Set<(event: LoopEvent) => void>();
  private readonly jitter = new Samples();
  private readonly readToWrite = new Samples();
  private cycles = 0;
  private overruns = 0;
  private writes = 0;
  private skippedWrites = 0;
  private rewrites = 0;
  private running: Promise<void> | undefined;

  constructor(private readonly options: HilLoopOptions) {
    if (!(options.periodMs >= 1)) throw new RangeError(`periodMs must be at least 1, got ${options.periodMs}`);
    for (const binding of options.bindings) {
      if (binding.direction === 'input') {
        this.inputs.set(binding.signal, { value: undefined, sampledAt: -Infinity, state: 'connected' });
      }
    }
    // A device that comes back may have restarted with its defaults: its outputs are written again, on the next cycle
    // (or, while paused or waiting for inputs, with the values they hold), even when the model's values did not move.
    const outputsByPort = new Map<DevicePort, string[]>();
    for (const binding of options.bindings) {
      if (binding.direction !== 'output') continue;
      outputsByPort.set(binding.port, [...(outputsByPort.get(binding.port) ?? []), binding.signal]);
    }
    for (const [port, signals] of outputsByPort) {
      const unsubscribe = port.onReconnect?.(() => {
        for (const signal of signals) if (this.lastOutput.has(signal)) this.stale.add(signal);
      });
      if (unsubscribe) this.unsubscribes.push(unsubscribe);
    }
  }

  get state(): LoopState {
    return this.loopState;
  }

  onEvent(listener: (event: LoopEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.running) throw new Error('the loop has already been started');
    this.setState('running');
    this.running = this.run();
  }

  pause(): void {
    if (this.loopState === 'running' || this.loopState === 'waiting-for-inputs') this.setState('paused');
  }

  resume(): void {
    if (this.loopState === 'paused') this.setState('running');
  }

  /** Stops after the current cycle and writes every output's safe value (failures are reported, not thrown). */
  async stop(): Promise<void> {
    if (this.loopState === 'stopped') return;
    this.setState('stopped');
    await this.running;
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    await Promise.all(
      this.options.bindings
        .filter((binding) => binding.direction === 'output' && binding.safeValue !== undefined)
        .map((binding) =>
          binding.port
            .write(binding.address, toDevice(binding, binding.safeValue as SignalValue))
            .catch((error: unknown) => this.bindingLost(binding, error)),
        ),
    );
  }

  stats(): LoopStats {
    return {
      cycles: this.cycles,
      overruns: this.overruns,
      jitter_p50_ms: this.jitter.quantile(0.5),
      jitter_p99_ms: this.jitter.quantile(0.99),
      jitter_max_ms: this.jitter.max(),
      read_to_write_p50_ms: this.readToWrite.quantile(0.5),
      read_to_write_p99_ms: this.readToWrite.quantile(0.99),
      writes: this.writes,
      writes_skipped_by_deadband: this.skippedWrites,
      rewrites: this.rewrites,
    };
  }

  /** Connection state per binding, by signal. */
  bindingStates(): ReadonlyMap<string, BindingState> {
    const states = new Map<string, BindingState>();
    for (const [signal, slot] of this.inputs) states.set(signal, slot.state);
    return states;
  }

  private async run(): Promise<void> {
    const period = this.options.periodMs;
    let next = performance.now() + period;
    while (this.loopState !== 'stopped') {
      // Sleep coarsely, then yield to the event loop until the slot: timers alone are a millisecond late or more.
      const wait = next - performance.now();
      if (wait > 2) await sleep(wait - 1.5);
      while (performance.now() < next) await yieldToEvents();
      if ((this.loopState as LoopState) === 'stopped') break; // stop() may have run while we waited
      const started = performance.now();
      this.jitter.add(started - next);
      if (this.loopState !== 'paused') await this.cycle(started);
      else await this.writeHeldOutputs();
      next += period;
      const now = performance.now();
      if (now > next) {
        const missed = Math.ceil((now - next) / period);
        this.overruns += 1;
        this.emit({ type: 'overrun', cycle: this.cycles, late_ms: now - next });
        next += missed * period;
      }
    }
  }

  private async cycle(started: number): Promise<void> {
    const { bindings, model, periodMs } = this.options;
    this.cycles += 1;
    let paused = false;
    await Promise.all(
      bindings
        .filter((binding) => binding.direction === 'input')
        .map(async (binding) => {
          const slot = this.inputs.get(binding.signal)!;
          if (binding.samplingMs !== undefined && started - slot.sampledAt < binding.samplingMs) return;
          try {
            const value = toModel(binding, await binding.port.read(binding.address));
            if (movedBeyondDeadband(binding, slot.value, value)) slot.value = value;
            slot.sampledAt = started;
            if (slot.state === 'lost') {
              slot.state = 'connected';
              this.emit({ type: 'binding', signal: binding.signal, state: 'connected' });
            }
          } catch (error) {
            this.bindingLost(binding, error);
            const loss = binding.onLoss ?? { policy: 'hold' };
            if (loss.policy === 'default') slot.value = loss.value;
            if (loss.policy === 'pause') paused = true;
          }
        }),
    );
    const missing = [...this.inputs.values()].some((slot) => slot.value === undefined);
    if (paused || missing) {
      if (this.loopState === 'running') this.setState('waiting-for-inputs');
      await this.writeHeldOutputs();
      return;
    }
    if (this.loopState === 'waiting-for-inputs') this.setState('running');
    const values = new Map<string, SignalValue>();
    for (const [signal, slot] of this.inputs) values.set(signal, slot.value as SignalValue);
    const outputs = await model.step(values, periodMs / 1000);
    let wrote = false;
    await Promise.all(
      bindings
        .filter((binding) => binding.direction === 'output' && outputs[binding.signal] !== undefined)
        .map(async (binding) => {
          const value = outputs[binding.signal] as SignalValue;
          this.lastOutput.set(binding.signal, value);
          const moved = movedBeyondDeadband(binding, this.lastWritten.get(binding.signal), value);
          if (!moved && !this.stale.has(binding.signal)) {
            this.skippedWrites += 1;
            return;
          }
          if (await this.writeOutput(binding, value)) {
            this.writes += 1;
            if (!moved) this.rewrites += 1;
            wrote = true;
          }
        }),
    );
    if (wrote) this.readToWrite.add(performance.now() - started);
  }

  /** While no cycle writes (paused, waiting for inputs), a stale output gets the value it holds written again. */
  private async writeHeldOutputs(): Promise<void> {
    if (this.stale.size === 0) return;
    await Promise.all(
      this.options.bindings
        .filter((binding) => binding.direction === 'output' && this.stale.has(binding.signal))
        .map(async (binding) => {
          if (await this.writeOutput(binding, this.lastOutput.get(binding.signal) as SignalValue)) this.rewrites += 1;
        }),
    );
  }

  /** Writes one output; a failure leaves it stale, so it is written again once the device answers. */
  private async writeOutput(binding: Binding, value: SignalValue): Promise<boolean> {
    try {
      await binding.port.write(binding.address, toDevice(binding, value));
      this.lastWritten.set(binding.signal, value);
      this.stale.delete(binding.signal);
      return true;
    } catch (error) {
      this.stale.add(binding.signal);
      this.bindingLost(binding, error);
      return false;
    }
  }

  private bindingLost(binding: Binding, error: unknown): void {
    const slot = this.inputs.get(binding.signal);
    if (slot && slot.state === 'lost') return;
    if (slot) slot.state = 'lost';
    this.emit({
      type: 'binding',
      signal: binding.signal,
      state: 'lost',
      error: error instanceof Error ? error.message : String(error),
    });
  }

  private setState(state: LoopState): void {
    if (this.loopState === state) return;
    this.loopState = state;
    this.emit({ type: 'state', state });
  }

  private emit(event: LoopEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
