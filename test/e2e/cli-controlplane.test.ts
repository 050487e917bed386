import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doppel, tempDir } from './cli-helpers.js';

// The control-plane examples as CI runs them: a day of a 1,000-endpoint region replayed with one Enactor stalled.
describe('doppel test on the control-plane examples (the built command)', () => {
  it('the legacy Enactor reproduces the race: rules named, REJECT, exit 1', () => {
    const dir = tempDir('cp');
    const html = join(dir, 'report.html');
    const json = join(dir, 'report.json');
    const result = doppel(['test', 'examples/controlplane/enactor-legacy.test.yaml', '--html', html, '--json', json]);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toContain('REJECT');
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      verdict: string;
      tests: { replications: { rules: { id: string; status: string; violations: number }[] }[] }[];
    };
    expect(report.verdict).toBe('REJECT');
    const rules = Object.fromEntries(report.tests[0].replications[0].rules.map((r) => [r.id, r]));
    for (const id of ['endpoint_non_empty', 'applied_generation_monotonic', 'never_delete_active', 'liveness']) {
      expect(rules[id].status, id).toBe('failed');
    }
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('REJECT');
    expect(page).toContain('endpoint_non_empty');
  }, 120_000);

  it('the guarded Enactor under the same capture, log and stall: every rule holds, APPROVE, exit 0', () => {
    const dir = tempDir('cp');
    const html = join(dir, 'report.html');
    const result = doppel(['test', 'examples/controlplane/enactor-guarded.test.yaml', '--html', html]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('APPROVE');
    expect(readFileSync(html, 'utf8')).toContain('APPROVE');
  }, 120_000);
});
