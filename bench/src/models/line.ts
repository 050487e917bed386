import { Environment, Store, createStream, type ProcessGenerator, type RandomStream } from '@doppel/engine';
import type { BenchModel } from '../types.js';

export interface LineParams {
  hours: number;
  lines: number;
  [key: string]: number;
}

const CYCLE_S = [1.0, 1.2, 0.9, 1.1, 1.0];
const MTBF_S = [1800, 1200, 2400, 1500, 2000];
const MTTR_S = [120, 180, 90, 150, 100];
const P_JAM = [0.01, 0.02, 0.005, 0.015, 0.01];
const JAM_S = [5, 8, 4, 6, 5];
const BUFFER_CAPACITY = 20;
const STATIONS = 5;

const STATES = ['STARVED', 'EXECUTE', 'DOWN', 'JAMMED', 'BLOCKED'] as const;
const STARVED = 0;
const EXECUTE = 1;
const DOWN = 2;
const JAMMED = 3;
const BLOCKED = 4;

/** Time spent per state; a state change adds (now - since) to the state being left. */
class StateClock {
  readonly seconds = [0, 0, 0, 0, 0];
  private state = STARVED;
  private since = 0;

  set(env: Environment, state: number): void {
    const now = env.now;
    this.seconds[this.state] += now - this.since;
    this.state = state;
    this.since = now;
  }

  close(at: number): void {
    this.seconds[this.state] += at - this.since;
    this.since = at;
  }
}

/** Five-station serial line with operation-dependent failures, jams and finite buffers (benchmark spec). */
export const line: BenchModel<LineParams> = {
  name: 'line',
  description: '5-station serial production line with failures, jams and buffers of 20; --lines copies in one env',
  params: { hours: 8, lines: 1 },
  representative: { hours: 8, lines: 10 },
  run({ hours, lines }, ctx) {
    if (!(hours > 0)) throw new RangeError(`--hours must be > 0, got ${hours}`);
    if (!Number.isInteger(lines) || lines < 1) throw new RangeError(`--lines must be an integer >= 1, got ${lines}`);
    const env = new Environment({ seed: ctx.seed, rng: ctx.rng });
    const until = hours * 3600;
    const produced: number[] = new Array<number>(lines).fill(0);
    const clocks: StateClock[][] = [];

    function* station(
      lineIndex: number,
      i: number,
      rng: RandomStream,
      input: Store<number> | null,
      output: Store<number> | null,
      clock: StateClock,
    ): ProcessGenerator<void> {
      const cycle = CYCLE_S[i];
      const failRate = 1 / MTBF_S[i];
      const repairRate = 1 / MTTR_S[i];
      const pJam = P_JAM[i];
      const jamS = JAM_S[i];
      let nextPart = 0;
      let ttf = rng.exponential(failRate);
      for (;;) {
        let part: number;
        if (input !== null) {
          clock.set(env, STARVED);
          part = (yield input.get()) as number;
        } else {
          part = nextPart++;
        }
        clock.set(env, EXECUTE);
        let remaining = cycle;
        while (ttf < remaining) {
          yield env.timeout(ttf);
          remaining -= ttf;
          clock.set(env, DOWN);
          yield env.timeout(rng.exponential(repairRate));
          ttf = rng.exponential(failRate);
          clock.set(env, EXECUTE);
        }
        yield env.timeout(remaining);
        ttf -= remaining;
        if (rng.bernoulli(pJam)) {
          clock.set(env, JAMMED);
          yield env.timeout(jamS);
        }
        if (output === null) {
          produced[lineIndex]++;
        } else {
          clock.set(env, BLOCKED);
          yield output.put(part);
        }
      }
    }

    for (let l = 0; l < lines; l++) {
      const buffers = Array.from({ length: STATIONS - 1 }, () => new Store<number>(env, { capacity: BUFFER_CAPACITY }));
      const lineClocks: StateClock[] = [];
      for (let i = 0; i < STATIONS; i++) {
        const rng = createStream(ctx.rng, ctx.seed * 1000 + l * 10 + i, `line${l}/S${i}`);
        const clock = new StateClock();
        lineClocks.push(clock);
        const input = i > 0 ? buffers[i - 1] : null;
        const output = i < STATIONS - 1 ? buffers[i] : null;
        env.process(station(l, i, rng, input, output, clock), `line${l}/S${i}`);
      }
      clocks.push(lineClocks);
    }

    ctx.run(env, { until });
    for (const lineClocks of clocks) for (const clock of lineClocks) clock.close(until);

    const stateSeconds: Record<string, Record<string, number>> = {};
    clocks[0].forEach((clock, i) => {
      stateSeconds[`S${i}`] = Object.fromEntries(STATES.map((name, k) => [name, clock.seconds[k]]));
    });
    return {
      produced_total: produced.reduce((a, b) => a + b, 0),
      throughput_per_h_line0: produced[0] / hours,
      state_seconds_line0: stateSeconds,
    };
  },
};
