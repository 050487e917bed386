import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigDir, ScenarioError, TwinErrorCode } from '@doppel/twin';
import { afterEach, describe, expect, it } from 'vitest';
import { packs } from './helpers.js';

const CONFIG = fileURLToPath(new URL('../../../../examples/line/config', import.meta.url));
const dirs: string[] = [];

function copyConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'doppel-line-'));
  dirs.push(dir);
  cpSync(CONFIG, dir, { recursive: true });
  return dir;
}

function edit(dir: string, file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no "${from}"`);
  writeFileSync(path, text.replace(from, to));
}

function issuesOf(fn: () => unknown): ScenarioError['issues'] {
  try {
    fn();
  } catch (error) {
    expect((error as ScenarioError).code).toBe(TwinErrorCode.ScenarioInvalid);
    return (error as ScenarioError).issues;
  }
  throw new Error('expected a ScenarioError');
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('line configuration through the scenario loader', () => {
  it('resolves the seed layout: references, defaults, constants, extends and overrides', () => {
    const scenario = loadConfigDir(CONFIG, 'fast_packer_8hr', { packs });
    const config = scenario.config as {
      scenario: {
        name: string;
        behavior: { name: string };
        equipment: { name: string; uph?: number; buffer_capacity: number }[];
      };
      product: { name: string; units_per_case: number };
    };
    expect(scenario.durationS).toBe(8 * 3600);
    expect(scenario.seed).toBe(42);
    expect(config.scenario.name).toBe('fast_packer');
    expect(config.scenario.behavior.name).toBe('default_6phase');
    const packer = config.scenario.equipment.find((e) => e.name === 'packer');
    expect(packer?.uph).toBe(330);
    expect(packer?.buffer_capacity).toBe(20);
    expect(config.scenario.equipment.find((e) => e.name === 'filler')?.buffer_capacity).toBe(100);
    expect(config.product.name).toBe('fresh_toothpaste_5oz');
  });

  it('reports a misspelt equipment field with its file, line and the nearest name', () => {
    const dir = copyConfig();
    edit(dir, 'equipment/packer.yaml', 'uph: 260', 'uhp: 260');
    const issues = issuesOf(() => loadConfigDir(dir, 'baseline_8hr', { packs }));
    const issue = issues.find((i) => i.file.endsWith('packer.yaml'));
    expect(issue?.line).toBe(2);
    expect(issue?.suggestion).toBe('uph');
  });

  it('rejects a probability above 1 where it is written', () => {
    const dir = copyConfig();
    edit(dir, 'equipment/filler.yaml', 'defect_rate: 0.01', 'defect_rate: 1.5');
    const issues = issuesOf(() => loadConfigDir(dir, 'baseline_8hr', { packs }));
    expect(issues.some((i) => i.path.endsWith('quality.defect_rate') && i.file.endsWith('filler.yaml'))).toBe(true);
  });

  it('rejects an unknown intervention and bad arguments before the run starts', () => {
    const dir = copyConfig();
    edit(
      dir,
      'runs/disruption_8hr.yaml',
      'action: set_speed, args: { factor: 0.8 }',
      'action: set_sped, args: { factor: 0.8 }',
    );
    edit(dir, 'runs/disruption_8hr.yaml', 'args: { duration_seconds: 1200 }', 'args: { duration_seconds: -5 }');
    const issues = issuesOf(() => loadConfigDir(dir, 'disruption_8hr', { packs }));
    expect(issues.find((i) => i.code === 'unknown_action')?.suggestion).toBe('set_speed');
    expect(issues.some((i) => i.path.includes('duration_seconds'))).toBe(true);
  });
});
