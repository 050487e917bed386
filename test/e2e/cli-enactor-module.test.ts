import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doppel, tempDir } from './cli-helpers.js';

const GUARDED = readFileSync('examples/controlplane/enactors/guarded.mjs', 'utf8');

/** A small control-plane scenario in a fresh directory whose Enactor is `module` (written beside it). */
function scenarioWith(moduleText: string): { dir: string; scenario: string; module: string } {
  const dir = tempDir('enactor-module');
  const module = join(dir, 'my-enactor.mjs');
  writeFileSync(module, moduleText);
  const scenario = join(dir, 'scenario.yaml');
  writeFileSync(
    scenario,
    [
      'doppel: 1',
      'name: cp-module',
      'pack: controlplane',
      "start: '2025-10-19T00:00:00Z'",
      'duration: 1h',
      'seed: 7',
      'controlplane:',
      '  endpoints: { count: 5 }',
      '  enactor: { module: ./my-enactor.mjs }',
      '',
    ].join('\n'),
  );
  return { dir, scenario, module };
}

describe('a user-supplied Enactor module (the built command)', () => {
  it('the guarded Enactor as a module passes the control-plane test: APPROVE, exit 0', () => {
    const result = doppel(['test', 'examples/controlplane/enactor-module.test.yaml']);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('APPROVE');
  }, 120_000);

  it("doppel run loads it relative to the scenario and the scenario's identity covers the module's content", () => {
    const { dir, scenario } = scenarioWith(GUARDED);
    const first = doppel(['run', scenario, '--out', join(dir, 'a')]);
    expect(first.status, first.stderr).toBe(0);
    const recorded = JSON.parse(readFileSync(join(dir, 'a', 'scenario.json'), 'utf8')) as {
      sha256: string;
      config: { enactor: { module: string; module_sha256: string } };
    };
    expect(recorded.config.enactor.module_sha256).toBe(createHash('sha256').update(GUARDED).digest('hex'));

    const changed = scenarioWith(`${GUARDED}\n// a comment changes the code's identity\n`);
    const second = doppel(['run', changed.scenario, '--out', join(changed.dir, 'b')]);
    expect(second.status, second.stderr).toBe(0);
    const other = JSON.parse(readFileSync(join(changed.dir, 'b', 'scenario.json'), 'utf8')) as { sha256: string };
    expect(other.sha256).not.toBe(recorded.sha256);
  }, 60_000);

  it('a module whose write throws fails the run with the module and the call named, exit 1', () => {
    const { dir, scenario, module } = scenarioWith(
      GUARDED.replace('write: (view) =>', "write: () => { throw new Error('boom'); }, unused: (view) =>"),
    );
    const result = doppel(['run', scenario, '--out', join(dir, 'out')]);
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toContain('DOPPEL_ERR_ENACTOR_MODULE_FAILED');
    expect(result.stderr).toContain(module);
    expect(result.stderr).toContain('write() threw: boom');
    expect(result.stderr).not.toContain('internal error');
  }, 60_000);

  it('doppel run stops a module that never returns once the run makes no progress: located error, exit 1, outputs marked', () => {
    const { dir, scenario, module } = scenarioWith(
      GUARDED.replace('write: (view) =>', 'write: () => { for (;;); }, unused: (view) =>'),
    );
    const out = join(dir, 'out');
    const result = doppel(['run', scenario, '--out', out, '--stall-timeout', '2']);
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toContain('DOPPEL_ERR_ENACTOR_MODULE_STALLED');
    expect(result.stderr).toContain(
      `${module}: the simulation made no progress for 2 s (its last progress at sim time`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain('internal error');
    expect(readFileSync(join(out, 'INCOMPLETE'), 'utf8')).toContain('DOPPEL_ERR_ENACTOR_MODULE_STALLED');
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
  }, 60_000);

  it('doppel run stops a module whose top level never returns (the import itself loops)', () => {
    const { dir, scenario, module } = scenarioWith(`for (;;);\n${GUARDED}`);
    const result = doppel(['run', scenario, '--out', join(dir, 'out'), '--stall-timeout', '2']);
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toContain(
      `${module}: the simulation made no progress for 2 s (before the simulation started)`,
    );
  }, 60_000);

  it('doppel run refuses a --stall-timeout that is not a positive number of seconds, exit 2', () => {
    const { scenario } = scenarioWith(GUARDED);
    const result = doppel(['run', scenario, '--stall-timeout', 'soon']);
    expect(result.status, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toContain(
      '--stall-timeout: expected a positive number of seconds up to 2147483, found "soon"',
    );
  }, 60_000);

  it('a module lacking a member of the interface is refused before the run, naming the module and the member', () => {
    const { dir, scenario, module } = scenarioWith(GUARDED.replace('cleanup: (view) =>', 'cleanUp: (view) =>'));
    const result = doppel(['run', scenario, '--out', join(dir, 'out')]);
    expect(result.status, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toContain('DOPPEL_ERR_ENACTOR_MODULE_INVALID');
    expect(result.stderr).toContain(module);
    expect(result.stderr).toContain('`cleanup`');
  }, 60_000);

  it('doppel test stops a module that never returns at --timeout: that test is an error, the others still run, exit 1', () => {
    const looping = scenarioWith(GUARDED.replace('write: (view) =>', 'write: () => { for (;;); }, unused: (view) =>'));
    const normal = scenarioWith(GUARDED);
    const tests = tempDir('enactor-timeout');
    const testFile = (name: string, scenario: string): string => {
      const file = join(tests, `${name}.yaml`);
      writeFileSync(
        file,
        [
          'doppel: 1',
          `name: ${name}`,
          'scenario:',
          `  file: ${scenario}`,
          '  seed: 7',
          'steps:',
          '  - advance: 1h',
          '',
        ].join('\n'),
      );
      return file;
    };
    const loops = testFile('loops', looping.scenario);
    testFile('returns', normal.scenario);
    const started = performance.now();
    const result = doppel(['test', tests, '--timeout', '5', '--jobs', '1']);
    const elapsedS = (performance.now() - started) / 1000;
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(elapsedS).toBeLessThan(60);
    expect(result.stderr).toContain('DOPPEL_ERR_TEST_TIMEOUT');
    expect(result.stderr).toContain(`test ${loops} did not finish within the 5 s deadline`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).toMatch(/PASS returns/);
    expect(result.stdout).toMatch(/returns\s+passed/);
    expect(result.stdout).toContain('REJECT: 1 of 2 tests failed');
  }, 120_000);

  it('doppel test refuses a --timeout that is not a positive number of seconds, exit 2', () => {
    const result = doppel(['test', 'examples/controlplane/enactor-module.test.yaml', '--timeout', '0']);
    expect(result.status, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toContain('--timeout: expected a positive number of seconds');
  }, 60_000);
});
