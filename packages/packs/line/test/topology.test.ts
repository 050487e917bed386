import { describe, expect, it } from 'vitest';
import { compilePredicate, LineErrorCode, toCel, type LineError } from '../src/index.js';
import { linearConfig, run, scenarioOf } from './helpers.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as LineError).code;
  }
  return undefined;
}

async function failCode(line: Record<string, unknown>): Promise<string | undefined> {
  try {
    await run(scenarioOf(line, { durationS: 60 }));
  } catch (error) {
    // The session wraps build errors; the pack's error is its cause.
    const cause = (error as { details?: { cause?: { code?: string } } }).details?.cause;
    return cause?.code ?? (error as { code?: string }).code;
  }
  return undefined;
}

const equipment = [
  { name: 'a', cycle_time_sec: 1, quality: { defect_rate: 0.2 } },
  { name: 'b', cycle_time_sec: 1, quality: { detection_prob: 1 } },
  { name: 'c', cycle_time_sec: 1 },
];
const graph = (
  edges: unknown[],
  nodes: unknown[] = [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
): Record<string, unknown> => ({
  scenario: { name: 'g', topology: { name: 'g', nodes, edges }, equipment },
  product: linearConfig({}).product,
});

describe('topologies', () => {
  it('a graph with conditional routing equals the linear line with its implicit reject route', async () => {
    const linear = await run(
      scenarioOf(
        linearConfig({
          a: { cycle: 1, quality: { defect_rate: 0.2 } },
          b: { cycle: 1, quality: { detection_prob: 1 } },
          c: { cycle: 1 },
        }),
        { durationS: 3600, seed: 3 },
      ),
    );
    const dag = await run(
      scenarioOf(
        graph([
          { from: '_source', to: 'a' },
          { from: 'a', to: 'b', capacity: 50 },
          { from: 'b', to: '_reject', condition: 'is_defective' },
          { from: 'b', to: 'c', capacity: 50, condition: 'not is_defective' },
          { from: 'c', to: '_sink' },
        ]),
        { durationS: 3600, seed: 3 },
      ),
    );
    expect(dag.line.totals).toEqual(linear.line.totals);
    expect(dag.line.totals.rejectedItems).toBeGreaterThan(600);
    expect(dag.line.totals.defectiveFinished).toBe(0);
  });

  it('routes on product attributes: a split by SKU size and a merge', async () => {
    const dag = await run(
      scenarioOf(
        graph([
          { from: '_source', to: 'a' },
          { from: 'a', to: 'b', condition: 'size_oz > 10' },
          { from: 'a', to: 'c', condition: 'product.size_oz <= 10 and kind == "raw" and not product.is_defective' },
          { from: 'b', to: '_sink' },
          { from: 'c', to: '_sink' },
        ]),
        { durationS: 100 },
      ),
    );
    expect(dag.line.machines.find((m) => m.id === 'b')?.counts.in).toBe(0);
    expect(dag.line.machines.find((m) => m.id === 'c')?.counts.in).toBeGreaterThan(90);
  });

  it('rejects broken graphs with stable codes', async () => {
    expect(
      await failCode(
        graph([
          { from: '_source', to: 'a' },
          { from: 'a', to: 'b' },
          { from: 'b', to: 'a' },
          { from: 'b', to: 'c' },
          { from: 'c', to: '_sink' },
        ]),
      ),
    ).toBe(LineErrorCode.TopologyInvalid);
    expect(
      await failCode(
        graph([
          { from: '_source', to: 'a' },
          { from: 'a', to: 'x' },
        ]),
      ),
    ).toBe(LineErrorCode.TopologyInvalid);
    expect(
      await failCode(
        graph([
          { from: '_source', to: 'a' },
          { from: 'a', to: '_sink' },
          { from: 'b', to: '_sink' },
          { from: 'c', to: '_sink' },
        ]),
      ),
    ).toBe(LineErrorCode.TopologyInvalid);
    expect(
      await failCode(
        graph(
          [
            { from: '_source', to: 'a' },
            { from: 'a', to: '_sink' },
          ],
          [{ name: 'a' }, { name: 'zz' }],
        ),
      ),
    ).toBe(LineErrorCode.UnknownEquipment);
    expect(
      await failCode(
        graph([
          { from: '_source', to: 'a' },
          { from: 'a', to: 'b', condition: 'is_defective &&' },
          { from: 'b', to: 'c' },
          { from: 'c', to: '_sink' },
        ]),
      ),
    ).toBe(LineErrorCode.InvalidExpression);
    const unknownPhase = linearConfig({ a: {} });
    (unknownPhase.scenario as Record<string, unknown>).behavior = {
      name: 'x',
      phases: ['collect', 'teleport', 'execute'],
    };
    expect(await failCode(unknownPhase)).toBe(LineErrorCode.UnknownPhase);
    const noExecute = linearConfig({ a: {} });
    (noExecute.scenario as Record<string, unknown>).behavior = { name: 'x', phases: ['collect', 'transform'] };
    expect(await failCode(noExecute)).toBe(LineErrorCode.UnknownPhase);
  });

  it("conditions are CEL; the seed's not/and/or are rewritten outside string literals", () => {
    expect(toCel('not is_defective')).toBe('!is_defective');
    expect(toCel('a and not b or c')).toBe('a && !b || c');
    expect(toCel('sku == "not and or"')).toBe('sku == "not and or"');
    expect(compilePredicate('not is_defective', 't')({ is_defective: false })).toBe(true);
    expect(codeOf(() => compilePredicate('size_oz', 't')({ size_oz: 5 }))).toBe(LineErrorCode.InvalidExpression);
    expect(codeOf(() => compilePredicate('process.exit()', 't')({}))).toBe(LineErrorCode.InvalidExpression);
  });

  it('a behavior decides which phases run: without microstop no machine jams', async () => {
    const config = linearConfig({ a: { cycle: 1, performance: { jam_prob: 0.5, jam_time_sec: 3 } } });
    const jammy = await run(scenarioOf(config, { durationS: 600 }));
    expect(jammy.ledger.some((e) => e.eventType === 'JAM')).toBe(true);
    (config.scenario as Record<string, unknown>).behavior = {
      name: 'no_jams',
      phases: [
        'CollectPhase',
        { name: 'microstop', enabled: 'config.performance.jam_prob > 0.9' },
        'execute',
        'transform',
      ],
    };
    const calm = await run(scenarioOf(config, { durationS: 600 }));
    expect(calm.ledger.some((e) => e.eventType === 'JAM')).toBe(false);
    expect(calm.line.totals.finished).toBe(600);
  });
});
