import { Environment } from '@doppel/engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssetExpressionCompiler, AssetRegistry, TwinError } from '../src/index.js';
import { queuePack } from './fixtures/queue-pack.js';
import { newSim } from './fixtures/session-helpers.js';

function errorOf(fn: () => unknown): TwinError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TwinError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('expressions', () => {
  const registry = new AssetRegistry({
    env: new Environment({ seed: 1 }),
    ledger: { append: () => undefined },
    kinds: queuePack.assetKinds,
  });
  const q = registry.createAsset('queue', 'q1', {
    queue_length: 7,
    busy: true,
    online: true,
    served: 3,
    rate_per_h: 12.5,
  });
  const compiler = new AssetExpressionCompiler(registry.kindNames(), { asset: (id) => registry.asset(id) });

  it('reads asset state through a function per kind, asset(id) and now', () => {
    expect(compiler.compile("queue('q1').queue_length > 5").evaluate(0)).toBe(true);
    expect(compiler.compile("queue('q1').queue_length > 7").evaluate(0)).toBe(false);
    expect(compiler.compile("asset('q1').online && asset('q1').rate_per_h < 13.0").evaluate(0)).toBe(true);
    expect(compiler.compile('now >= 3600').evaluate(3599)).toBe(false);
    expect(compiler.compile('now >= 3600').evaluate(3600)).toBe(true);
    registry.update(q, { queue_length: 2 }, 'X');
    expect(compiler.compile("queue('q1').queue_length > 5").evaluate(0)).toBe(false);
  });

  it('reports syntax and type errors with their position', () => {
    const syntax = errorOf(() => compiler.compile("queue('q1').queue_length >"));
    expect(syntax.code).toBe('DOPPEL_ERR_INVALID_EXPRESSION');
    expect(syntax.details?.position).toMatchObject({ line: 1, column: 27 });
    const unknown = errorOf(() => compiler.compile('station_count > 1'));
    expect(unknown.code).toBe('DOPPEL_ERR_INVALID_EXPRESSION');
    expect(unknown.details?.position).toMatchObject({ start: 0, line: 1, column: 1 });
    const notBool = errorOf(() => compiler.compile('1 + 2'));
    expect(notBool.code).toBe('DOPPEL_ERR_INVALID_EXPRESSION');
    expect(errorOf(() => compiler.compile('   ')).code).toBe('DOPPEL_ERR_INVALID_EXPRESSION');
    expect(errorOf(() => compiler.compileChecked("queue('nope').busy", 0)).code).toBe('DOPPEL_ERR_INVALID_EXPRESSION');
  });

  it('never evaluates JavaScript', () => {
    expect(errorOf(() => compiler.compile('process.exit(1)')).code).toBe('DOPPEL_ERR_INVALID_EXPRESSION');
    expect(errorOf(() => compiler.compile("constructor.constructor('return 1')()")).code).toBe(
      'DOPPEL_ERR_INVALID_EXPRESSION',
    );
  });
});

describe('breakpoints', () => {
  it('pause when a condition becomes true (edge-triggered) and resume past it', async () => {
    const sim = await newSim({ queues: [{ id: 'q1', rate_per_h: 120, service_s: 45, max_queue: 50 }] });
    const bp = sim.addBreakpoint("queue('q1').queue_length >= 3");
    expect(bp).toEqual({ id: 'bp-1', expression: "queue('q1').queue_length >= 3" });
    const hits: number[] = [];
    sim.on('breakpoint', (hit) => hits.push(hit.simTime));
    const info = sim.runToEnd();
    expect(info.reason).toBe('breakpoint');
    expect(info.status).toBe('breakpoint');
    expect(info.breakpoint).toMatchObject({ id: 'bp-1', simTime: sim.now, eventsProcessed: sim.eventsProcessed });
    expect(sim.asset('q1').state.queue_length).toBe(3);
    // Still true: going on does not stop again until it has become false and then true again.
    const next = sim.step({ events: 1 });
    expect(next.reason).toBe('events');
    let stops = 1;
    for (let info2 = sim.runToEnd(); info2.reason === 'breakpoint'; info2 = sim.runToEnd()) {
      stops++;
      expect(sim.asset('q1').state.queue_length).toBe(3);
    }
    expect(stops).toBe(hits.length);
    expect(sim.status).toBe('finished');
  });

  it('do not change the run: a run with breakpoints ends with the same ledger', async () => {
    const plain = await newSim();
    plain.runToEnd();
    const watched = await newSim();
    watched.addBreakpoint("queue('q2').queue_length > 2");
    watched.addBreakpoint('now >= 7200');
    let stops = 0;
    while (watched.runToEnd().reason === 'breakpoint') stops++;
    expect(stops).toBeGreaterThan(1);
    expect(watched.head()).toEqual(plain.head());
  });

  it('stops at a time condition', async () => {
    const sim = await newSim();
    sim.addBreakpoint('now >= 3600');
    const info = sim.runToEnd();
    expect(info.reason).toBe('breakpoint');
    expect(sim.now).toBeGreaterThanOrEqual(3600);
    expect(sim.now).toBeLessThan(3700);
  });

  it('are added from the scenario, removed by id, and checked after rewind', async () => {
    const sim = await newSim({ breakpoints: ["queue('q1').queue_length >= 4"] });
    expect(sim.breakpoints()).toEqual([{ id: 'bp-1', expression: "queue('q1').queue_length >= 4" }]);
    const first = sim.runToEnd();
    expect(first.reason).toBe('breakpoint');
    const at = sim.now;
    await sim.rewind(at / 2);
    const again = sim.runToEnd();
    expect(again.reason).toBe('breakpoint');
    expect(sim.now).toBe(at);
    sim.removeBreakpoint('bp-1');
    expect(sim.breakpoints()).toEqual([]);
    expect(sim.runToEnd().reason).toBe('end');
    expect(() => sim.removeBreakpoint('bp-1')).toThrow(TwinError);
  });

  it('reject invalid expressions with DOPPEL_ERR_INVALID_EXPRESSION', async () => {
    const sim = await newSim();
    expect(errorOf(() => sim.addBreakpoint("queue('q1').queue_length >>> 2")).code).toBe(
      'DOPPEL_ERR_INVALID_EXPRESSION',
    );
    expect(errorOf(() => sim.addBreakpoint("queue('q7').queue_length > 2")).code).toBe('DOPPEL_ERR_INVALID_EXPRESSION');
    await expect(newSim({ breakpoints: ['now >'] })).rejects.toBeInstanceOf(TwinError);
  });

  it('never change the run, whatever they watch (property)', async () => {
    const plain = await newSim({ store: null });
    plain.runToEnd();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('q1', 'q2'),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 14_000 }),
        async (queue, threshold, at) => {
          const sim = await newSim({ store: null });
          sim.addBreakpoint(`queue('${queue}').queue_length >= ${threshold} || now >= ${at}.0`);
          let guard = 0;
          while (sim.runToEnd().reason === 'breakpoint' && guard++ < 10_000);
          expect(sim.head()).toEqual(plain.head());
          expect(sim.telemetry()).toEqual(plain.telemetry());
        },
      ),
      { numRuns: 15 },
    );
  });
});
