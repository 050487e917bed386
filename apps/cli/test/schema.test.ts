import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { z } from 'zod';
import type { AnyPack } from '@doppel/twin';
import { schemaText } from '../src/commands/schema.js';
import { validateScenario } from '../src/commands/validate.js';
import { builtinPacks } from '@doppel/server/packs';

const broken = 'packages/twin/test/fixtures/scenarios/broken';

function doppel(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['apps/cli/bin/doppel.js', ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the built doppel command', () => {
  beforeAll(() => {
    execFileSync('npx', ['tsc', '-b', 'apps/cli'], { stdio: 'pipe' });
  });

  test('doppel schema prints the JSON Schema of scenario files', () => {
    const result = doppel('schema');
    expect(result.status).toBe(0);
    const schema = JSON.parse(result.stdout) as { $schema: string; title: string };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('Doppel scenario');
    expect(result.stdout).toBe(schemaText(false));
  });

  test('doppel schema --markdown prints the committed scenario reference', () => {
    const result = doppel('schema', '--markdown');
    expect(result.status).toBe(0);
    // If this fails after a schema or pack change, regenerate with docs/generate-scenario-reference.sh.
    expect(result.stdout).toBe(readFileSync('docs/scenario-reference.md', 'utf8'));
  });

  test('doppel validate prints every located problem and exits 2, without a stack trace', () => {
    const result = doppel('validate', `${broken}/several-problems.yaml`);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${broken}/several-problems.yaml:3:1 durration: unknown top-level key "durration"`);
    expect(result.stderr).toContain('Did you mean "duration"?');
    expect(result.stderr).toContain(`${broken}/several-problems.yaml:12:11 interventions[0].at`);
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  });

  test('doppel validate names a missing file and what exists', () => {
    const result = doppel('validate', `${broken}/nope.yaml`);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`scenario file not found: ${broken}/nope.yaml`);
    expect(result.stderr).toContain('several-problems.yaml');
  });

  test('doppel validate --config without --run lists the runs', () => {
    const result = doppel('validate', '--config', 'packages/twin/test/fixtures/scenarios/config-valid');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('baseline_8hr, faster_packer');
  });

  test('doppel validate rejects a bad --seed', () => {
    const result = doppel('validate', `${broken}/missing-seed.yaml`, '--seed', 'x');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--seed must be a non-negative integer');
  });
});

const tinyPack: AnyPack = {
  name: 'tiny',
  title: 'Tiny',
  version: '0.0.1',
  config: z.strictObject({ size: z.number().int().min(1) }),
  assetKinds: [],
  kpis: [],
  build: () => ({ kpis: () => ({}) }),
};

describe('validateScenario', () => {
  test('prints OK, the name and the hash of a valid scenario', () => {
    const dir = 'packages/twin/test/fixtures/scenarios/cli';
    const line = validateScenario(`${dir}/tiny.yaml`, {}, [tinyPack]);
    expect(line).toMatch(/^OK tiny-one sha256=[0-9a-f]{64}\n$/);
    expect(validateScenario(`${dir}/tiny.yaml`, {}, [tinyPack])).toBe(line);
    expect(validateScenario(`${dir}/tiny.yaml`, { seed: 9 }, [tinyPack])).not.toBe(line);
  });

  test('problems go to stderr and end the command with exit code 2', () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      expect(() => validateScenario(`${broken}/missing-seed.yaml`, {}, builtinPacks)).toThrow(CommanderError);
      try {
        validateScenario(`${broken}/missing-seed.yaml`, {}, builtinPacks);
      } catch (error) {
        expect((error as CommanderError).exitCode).toBe(2);
      }
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toContain('missing-seed.yaml:');
  });
});
