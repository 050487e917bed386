/**
 * Rule conditions take a direct path for the simple cases: it must decide exactly as CEL does, value for value
 * and error for error, whatever the state holds (missing keys, nulls, strings, ints against doubles, NaN).
 */
import { Environment } from '@marcbachmann/cel-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TestExpressions } from '@doppel/verify';
import { fastEvaluator, UNSURE } from '../src/fast-path.js';

const cel = new Environment({ homogeneousAggregateLiterals: false });
for (const name of ['self', 'event', 'kpi', 'summary']) cel.registerVariable(name, 'map');
cel.registerVariable('now', 'double');
const expressions = new TestExpressions(['station']);

type Outcome = { value: unknown } | { error: string };
function outcome(run: () => unknown): Outcome {
  try {
    return { value: run() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

const value = fc.oneof(
  fc.double(),
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom('a', '', 'b'),
  fc.boolean(),
  fc.constant(null),
  fc.constant({ x: 1.5 }),
);
const state = fc.record(
  { a: fc.double({ noNaN: true, min: -10, max: 10 }), b: value, n: fc.record({ x: value }, { requiredKeys: [] }) },
  { requiredKeys: ['a'] },
);
const atom = fc.constantFrom(
  'self.a',
  'self.b',
  'self.n.x',
  'self.missing',
  'event.time',
  'event.meta.wait',
  'now',
  '0',
  '-3',
  '7',
  '0.5',
  '2.0',
  '-1.5',
  "'a'",
  "''",
  'true',
  'false',
  '2u',
  'null',
);
const { condition } = fc.letrec((tie) => ({
  term: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc
      .tuple(tie('term'), fc.constantFrom('+', '-', '*', '/'), tie('term'))
      .map(([a, op, b]) => `(${String(a)} ${op} ${String(b)})`),
    tie('term').map((a) => `-${String(a)}`),
  ),
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc
      .tuple(tie('term'), fc.constantFrom('<', '<=', '>', '>=', '==', '!='), tie('term'))
      .map(([a, op, b]) => `${String(a)} ${op} ${String(b)}`),
    fc
      .tuple(tie('condition'), fc.constantFrom('&&', '||'), tie('condition'))
      .map(([a, op, b]) => `(${String(a)} ${op} ${String(b)})`),
    tie('condition').map((a) => `!(${String(a)})`),
    atom,
  ),
}));

describe('the direct path of rule conditions', () => {
  it('decides every condition as CEL does, including its errors', () => {
    let direct = 0;
    fc.assert(
      fc.property(
        condition,
        state,
        fc.record({ time: fc.double(), meta: fc.record({ wait: value }, { requiredKeys: [] }) }),
        fc.double(),
        (source, self, event, now) => {
          let compiled;
          try {
            compiled = expressions.compile(String(source), 'rule');
          } catch {
            return; // not a condition CEL accepts: never evaluated
          }
          const program = cel.parse(String(source));
          const context = { now, self, event };
          expect(outcome(() => compiled.evaluate(context))).toEqual(outcome(() => program(context)));
          const fast = fastEvaluator(program.ast);
          if (fast !== null && fast(self, event, now) !== UNSURE) direct++;
        },
      ),
      { numRuns: 3000, seed: 14 },
    );
    // The comparison means something only when the direct path decided a good share of the cases itself.
    expect(direct).toBeGreaterThan(200);
  });

  it('takes the direct path for the usual rule shapes', () => {
    for (const source of [
      'self.queue_length >= 0',
      'self.inventory.charged <= self.inventory.total',
      'self.power_draw_kw <= self.grid_power_limit_kw + 0.000001',
      'self.soc >= 0.0 && self.soc <= 1.0',
      "event.type != ''",
      'event.meta.wait_time_s < 7200.0',
      '!(self.state == "down") || now < 3600.0',
    ]) {
      expect(fastEvaluator(cel.parse(source).ast), source).not.toBeNull();
    }
    const self = { queue_length: 3, soc: 0.4 };
    const fast = fastEvaluator(cel.parse('self.queue_length >= 0 && self.soc <= 1.0').ast);
    expect(fast?.(self, null, 0)).toBe(true);
    expect(fastEvaluator(cel.parse('self.queue_length >= 4').ast)?.(self, null, 0)).toBe(false);
    // What it does not handle is left to CEL, never guessed.
    expect(fastEvaluator(cel.parse('self.missing >= 4').ast)?.(self, null, 0)).toBe(UNSURE);
    expect(fastEvaluator(cel.parse("'a' < 'b'").ast)?.(self, null, 0)).toBe(UNSURE);
    expect(fastEvaluator(cel.parse('kpi.wait_p95_s < 60.0').ast)).toBeNull();
    expect(fastEvaluator(cel.parse('size(self) > 0').ast)).toBeNull();
  });
});
