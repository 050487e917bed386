import type { Binding, DevicePort, HilLoop, SignalValue } from '@doppel/bridge-hil';
import { toModel } from '@doppel/bridge-hil/binding';
import type { HilBindingStatus, HilStatus, ModelBindingInput } from '@doppel/twin/contracts';
import type { Remote } from '../sim/remote.js';
import type { SimulationApi } from '../sim/protocol.js';
import type { Devices } from './devices.js';

export interface StoredBinding {
  readonly id: string;
  readonly binding: ModelBindingInput;
}

interface PointState {
  connection: HilBindingStatus['connection'];
  error: string | null;
  lastValue: SignalValue | null;
  lastValueAt: number | null;
}

/** What a run tells its owner as it goes: connection changes and failures, for the server's log. */
export type HilLog = (line: string) => void;

/**
 * A model in the loop with its devices: the real-time loop of @doppel/bridge-hil reads every input binding, puts each
 * changed input into the simulation (a held value of its source component, logged like any intervention), steps the
 * simulation by one period, and writes every output binding from the components' state. Each binding's connection,
 * last value and its age are kept for the API. A failure of the simulation (its end reached, its worker gone) pauses
 * the loop and marks the run failed; a device that goes away marks its bindings lost (their loss policies apply) and
 * the loop goes on, picking the device up again when it answers.
 */
export class HilRun {
  private readonly points = new Map<string, PointState>();
  private readonly applied = new Map<string, SignalValue>();
  private failure: string | null = null;
  readonly loop: HilLoop;

  constructor(
    readonly simId: string,
    readonly modelId: string,
    private readonly bindings: readonly StoredBinding[],
    private readonly devices: Devices,
    private readonly sim: Remote<SimulationApi>,
    readonly periodMs: number,
    private readonly log: HilLog,
    makeLoop: (bindings: readonly Binding[], step: HilRun['step']) => HilLoop,
  ) {
    const loopBindings = bindings.map(({ id, binding }) => {
      this.points.set(id, { connection: 'connecting', error: null, lastValue: null, lastValueAt: null });
      return {
        signal: id,
        direction: binding.direction,
        address: binding.address,
        port: this.watched(id, binding, devices.portOf(binding)),
        ...(binding.samplingMs !== undefined ? { samplingMs: binding.samplingMs } : {}),
        ...(binding.deadband !== undefined ? { deadband: binding.deadband } : {}),
        ...(binding.scale !== undefined ? { scale: binding.scale } : {}),
        ...(binding.offset !== undefined ? { offset: binding.offset } : {}),
        ...(binding.onLoss !== undefined ? { onLoss: binding.onLoss } : {}),
        ...(binding.safeValue !== undefined ? { safeValue: binding.safeValue } : {}),
      } satisfies Binding;
    });
    this.loop = makeLoop(loopBindings, (inputs, dt) => this.step(inputs, dt));
  }

  /** The loop's model: inputs in, one period of simulation, outputs out (by binding id, model-side values). */
  private async step(
    inputs: ReadonlyMap<string, SignalValue>,
    dt_s: number,
  ): Promise<Readonly<Record<string, SignalValue>>> {
    if (this.failure !== null) return {};
    try {
      for (const [id, value] of inputs) {
        const binding = this.bindingOf(id);
        const component = binding.signal.split('.')[0] as string;
        if (this.applied.get(component) === value) continue;
        await this.sim.intervene({
          assetId: component,
          action: 'set_setpoint',
          args: { value: typeof value === 'boolean' ? Number(value) : value },
          origin: 'hil',
        });
        this.applied.set(component, value);
      }
      await this.sim.step({ dt: dt_s });
      const states = new Map((await this.sim.assets(undefined, false)).map((a) => [a.id, a.state] as const));
      const outputs: Record<string, SignalValue> = {};
      for (const { id, binding } of this.bindings) {
        if (binding.direction !== 'output') continue;
        const [component, port] = binding.signal.split('.') as [string, string];
        const value = states.get(component)?.[port];
        if (typeof value === 'number' || typeof value === 'boolean') outputs[id] = value;
      }
      return outputs;
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
      this.log(`hardware in the loop of ${this.simId} stopped stepping: ${this.failure}`);
      this.loop.pause();
      return {};
    }
  }

  private bindingOf(id: string): ModelBindingInput {
    const found = this.bindings.find((b) => b.id === id);
    if (found === undefined) throw new Error(`no binding ${id}`);
    return found.binding;
  }

  /** The device port of one binding, noting each success and failure as its connection state and last value. */
  private watched(id: string, binding: ModelBindingInput, port: DevicePort): DevicePort {
    const point = this.points.get(id) as PointState;
    const ok = (deviceValue: SignalValue) => {
      if (point.connection !== 'connected') this.log(`binding ${id} (${binding.signal}): connected`);
      point.connection = 'connected';
      point.error = null;
      point.lastValue = toModel(binding, deviceValue);
      point.lastValueAt = Date.now();
    };
    const lost = (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (point.connection !== 'lost') this.log(`binding ${id} (${binding.signal}): lost: ${message}`);
      point.connection = 'lost';
      point.error = message;
    };
    return {
      read: async (address) => {
        try {
          const value = await port.read(address);
          ok(value);
          return value;
        } catch (error) {
          lost(error);
          throw error;
        }
      },
      write: async (address, value) => {
        try {
          await port.write(address, value);
          ok(value);
        } catch (error) {
          lost(error);
          throw error;
        }
      },
      ...(port.onReconnect ? { onReconnect: port.onReconnect } : {}),
    };
  }

  status(now = Date.now()): HilStatus {
    const stats = this.loop.stats();
    return {
      simId: this.simId,
      modelId: this.modelId,
      state: this.failure !== null ? 'failed' : this.loop.state === 'idle' ? 'connecting' : this.loop.state,
      error: this.failure,
      periodMs: this.periodMs,
      cycles: stats.cycles,
      overruns: stats.overruns,
      jitterP50Ms: stats.jitter_p50_ms,
      jitterP99Ms: stats.jitter_p99_ms,
      readToWriteP99Ms: stats.read_to_write_p99_ms,
      bindings: this.bindings.map(({ id, binding }) => {
        const point = this.points.get(id) as PointState;
        return {
          id,
          signal: binding.signal,
          direction: binding.direction,
          endpoint: binding.endpoint,
          address: binding.address,
          connection: point.connection,
          error: point.error,
          lastValue: point.lastValue,
          lastValueAgeMs: point.lastValueAt === null ? null : Math.max(0, now - point.lastValueAt),
        };
      }),
    };
  }

  /** Stops the loop (outputs get their safe values) and closes the device connections. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.devices.close();
  }
}
