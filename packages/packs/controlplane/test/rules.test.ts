import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestResult } from '@doppel/twin';
import { loadTestText, runTest } from '@doppel/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlanePack } from '../src/index.js';
import { scenarioText } from './helpers.js';

/** The validation rules exactly as the shipped example tests state them (one copy: the example's). */
const RULES = /\nrules: &rules\n((?: {2}.*\n)+)/.exec(
  readFileSync(new URL('../../../../examples/controlplane/enactor-legacy.test.yaml', import.meta.url), 'utf8'),
)![1];

const RULE_IDS = [
  'endpoint_non_empty',
  'applied_generation_monotonic',
  'never_delete_active',
  'staleness_bound',
  'regional_consistency',
  'liveness',
] as const;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'doppel-cp-rules-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the latency bound (plan-to-INSYNC p50/p99 no worse than the baseline x 1.1) over a scenario. */
async function latencyOf(name: string, scenario: string, updateBaselines: boolean): Promise<Record<string, string>> {
  writeFileSync(join(dir, `${name}.yaml`), scenario);
  const text =
    `doppel: 1\nname: ${name}\nscenario:\n  file: ${name}.yaml\n  seed: 1\nsteps:\n  - advance: 2h\n` +
    'baseline:\n  file: latency.json\n  tolerance: 0.1\n  values:\n' +
    '    plan_to_insync_p50: { value: kpi.plan_to_insync_p50_s, better: lower }\n' +
    '    plan_to_insync_p99: { value: kpi.plan_to_insync_p99_s, better: lower }\n';
  const test = await loadTestText(text, { packs: [controlPlanePack], fileName: `${name}.test.yaml`, baseDir: dir });
  const result: TestResult = await runTest(test, { packs: [controlPlanePack], updateBaselines });
  return Object.fromEntries(result.baseline.map((value) => [value.name, value.status]));
}

/** Runs the rules over a scenario of the pack's helpers and answers each rule's status. */
async function rulesOf(name: string, scenario: string): Promise<Record<string, string>> {
  writeFileSync(join(dir, `${name}.yaml`), scenario);
  const text = `doppel: 1\nname: ${name}\nscenario:\n  file: ${name}.yaml\n  seed: 1\nsteps:\n  - advance: 2h\nrules:\n${RULES}`;
  const test = await loadTestText(text, { packs: [controlPlanePack], fileName: `${name}.test.yaml`, baseDir: dir });
  const result: TestResult = await runTest(test, { packs: [controlPlanePack] });
  return Object.fromEntries(result.replications[0].rules.map((rule) => [rule.id, rule.status]));
}

describe('the control-plane validation rules', () => {
  it('each holds on a day without a stall, legacy or guarded', async () => {
    for (const version of ['legacy', 'guarded'] as const) {
      const statuses = await rulesOf(`calm-${version}`, scenarioText({ version }));
      for (const id of RULE_IDS) expect(statuses[id], `${version}: ${id}`).toBe('passed');
    }
  }, 120_000);

  it('the incident interleaving (a stall after the staleness check) violates each under the legacy Enactor', async () => {
    const statuses = await rulesOf('incident-legacy', scenarioText({ version: 'legacy', stall: ['30m', 600] }));
    for (const id of RULE_IDS) expect(statuses[id], id).toBe('failed');
  }, 120_000);

  it('the guarded Enactor keeps every rule under the same interleaving', async () => {
    const statuses = await rulesOf('incident-guarded', scenarioText({ version: 'guarded', stall: ['30m', 600] }));
    for (const id of RULE_IDS) expect(statuses[id], id).toBe('passed');
  }, 120_000);

  it('the latency bounds hold at the baseline and fire once plan-to-INSYNC is more than 10 % slower', async () => {
    await latencyOf('baseline', scenarioText({ version: 'guarded' }), true);
    const same = await latencyOf('same', scenarioText({ version: 'guarded' }), false);
    expect(same).toEqual({ plan_to_insync_p50: 'passed', plan_to_insync_p99: 'passed' });
    const slower = await latencyOf(
      'slower',
      scenarioText({ version: 'guarded', extra: '  zone: { propagation_s: 30 }\n' }),
      false,
    );
    expect(slower).toEqual({ plan_to_insync_p50: 'failed', plan_to_insync_p99: 'failed' });
  }, 120_000);
});
