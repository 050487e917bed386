import { describe, expect, it } from 'vitest';
import {
  fieldIssues,
  NEW_TEST,
  newStep,
  parseTest,
  STEP_KINDS,
  stepFields,
  stepKind,
  testText,
  withStepField,
} from '../src/views/tests/test-doc.js';

describe('test document for the sequence editor', () => {
  it('reads and writes the YAML text without losing fields it does not edit', () => {
    const parsed = parseTest(`${NEW_TEST}statistics:\n  - { name: m, value: kpi.swaps, measure: mean, below: 9 }\n`);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const again = parseTest(testText(parsed.doc));
    expect(again).toEqual(parsed);
    expect(parseTest('steps: [').ok).toBe(false);
    expect(parseTest('- 1\n- 2\n')).toMatchObject({ ok: false });
  });

  it('edits a step field by field; advance takes either by or to', () => {
    expect(stepFields({ advance: '90m' })).toEqual({ by: '90m' });
    const to = withStepField({ advance: '90m' }, 'to', '17:55');
    expect(to).toEqual({ advance: { to: '17:55' } });
    expect(withStepField(to, 'by', '2h')).toEqual({ advance: { by: '2h' } });
    const assert = withStepField(newStep('assert'), 'message', 'why');
    expect(withStepField(assert, 'message', '')).toEqual({ assert: { condition: '' } });
    for (const kind of STEP_KINDS) expect(stepKind(newStep(kind))).toBe(kind);
  });

  it('sorts the server issues to the row and field they name', () => {
    const located = fieldIssues([
      { path: 'steps[1].assert.condition', message: 'unknown KPI' },
      { path: 'steps[2].intervene.args.duration_seconds', message: 'too long' },
      { path: 'steps[0]', message: 'unknown step' },
      { path: 'rules[0].condition', message: 'bad CEL' },
      { path: 'scenario.file', message: 'outside', line: 4 },
    ]);
    expect(located.steps.get(1)?.get('condition')).toBe('unknown KPI');
    expect(located.steps.get(2)?.get('args')).toBe('too long');
    expect(located.steps.get(0)?.get('')).toBe('unknown step');
    expect(located.rules.get(0)?.get('condition')).toBe('bad CEL');
    expect(located.other).toEqual([{ path: 'scenario.file', message: 'outside', line: 4 }]);
  });
});
