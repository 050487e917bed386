import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { doppel, tempDir } from './cli-helpers.js';

const TIME_GAP = readFileSync('examples/fleet/policies/time-gap.mjs', 'utf8');
const dirs: string[] = [];

/** The driving-policy example in a fresh directory, its policy module replaced by `moduleText`. */
function scenarioWith(moduleText: string): { dir: string; scenario: string; module: string } {
  const dir = tempDir('fleet-policy');
  dirs.push(dir);
  const module = join(dir, 'my-policy.mjs');
  writeFileSync(module, moduleText);
  const scenario = join(dir, 'scenario.yaml');
  writeFileSync(
    scenario,
    readFileSync('examples/fleet/policies/driving-policy.yaml', 'utf8').replace('./time-gap.mjs', './my-policy.mjs'),
  );
  return { dir, scenario, module };
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('a user-supplied driving-policy module in the fleet pack (the built command)', () => {
  it('the example policy stops for the stopped car with the AEB off; its content hash is in the scenario', () => {
    const { dir, scenario } = scenarioWith(TIME_GAP);
    const result = doppel(['run', scenario, '--out', join(dir, 'out')]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as {
      pack_summary: { verdict: string; scores: { collision: boolean; min_gap_m: number } };
    };
    expect(summary.pack_summary.verdict).toBe('pass');
    expect(summary.pack_summary.scores.collision).toBe(false);
    expect(summary.pack_summary.scores.min_gap_m).toBeGreaterThan(2);
    const recorded = JSON.parse(readFileSync(join(dir, 'out', 'scenario.json'), 'utf8')) as {
      config: { entities: { ego: { policy: { module_sha256: string } } } };
    };
    expect(recorded.config.entities.ego.policy.module_sha256).toMatch(/^[0-9a-f]{64}$/);

    // Without the policy (and with the AEB off) the same car hits the target: the policy is what drove.
    const plain = join(dir, 'plain.yaml');
    writeFileSync(plain, readFileSync(scenario, 'utf8').replace(/\n\s+policy:\n\s+module: .*\n/, '\n'));
    const unguarded = doppel(['run', plain, '--out', join(dir, 'plain')]);
    expect(unguarded.status, unguarded.stderr).toBe(0);
    const plainSummary = JSON.parse(readFileSync(join(dir, 'plain', 'summary.json'), 'utf8')) as {
      pack_summary: { verdict: string };
    };
    expect(plainSummary.pack_summary.verdict).toBe('fail');
  }, 120_000);

  it('a policy that throws fails the run cleanly: the module, the call, the vehicle and the sim time named, exit 1', () => {
    const { dir, scenario, module } = scenarioWith(
      TIME_GAP.replace('  decide(input) {', "  decide(input) {\n    if (input.t_s >= 1) throw new Error('boom');"),
    );
    const out = join(dir, 'out');
    const result = doppel(['run', scenario, '--out', out]);
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toContain('DOPPEL_ERR_POLICY_MODULE_FAILED');
    expect(result.stderr).toContain(`${module}: decide() at t = 1.00 s for vehicle ego threw: boom`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain('internal error');
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
  }, 60_000);

  it('a policy that answers something other than a command fails the run naming the field', () => {
    const { dir, scenario, module } = scenarioWith(
      "export const policy = { decide: () => ({ accel_mps2: 'fast' }) };\n",
    );
    const result = doppel(['run', scenario, '--out', join(dir, 'out')]);
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toContain(`${module}: decide() at t = 0.01 s for vehicle ego answered badly: accel_mps2`);
  }, 60_000);

  it('a module without decide is refused before the run, naming the module and the member, exit 2', () => {
    const { dir, scenario, module } = scenarioWith('export const policy = { drive() { return null; } };\n');
    const result = doppel(['run', scenario, '--out', join(dir, 'out')]);
    expect(result.status, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toContain('DOPPEL_ERR_POLICY_MODULE_INVALID');
    expect(result.stderr).toContain(`${module}: the policy lacks member \`decide\``);
  }, 60_000);

  // 5 s without progress: long enough that a loaded machine starting the worker thread is not taken for a stall.
  it('a policy that never returns is stopped once the run makes no progress: located error, exit 1, outputs marked', () => {
    const { dir, scenario, module } = scenarioWith(
      TIME_GAP.replace('  decide(input) {', '  decide(input) {\n    if (input.t_s >= 5) for (;;);'),
    );
    const out = join(dir, 'out');
    const result = doppel(['run', scenario, '--out', out, '--stall-timeout', '5']);
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toContain('DOPPEL_ERR_POLICY_MODULE_STALLED');
    expect(result.stderr).toContain(`${module}: the simulation made no progress for 5 s (`);
    expect(result.stderr).toContain('while running this driving-policy module');
    expect(result.stderr).not.toContain('internal error');
    expect(readFileSync(join(out, 'INCOMPLETE'), 'utf8')).toContain('DOPPEL_ERR_POLICY_MODULE_STALLED');
  }, 60_000);
});
