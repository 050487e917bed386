import { mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  loadConfigDir,
  loadScenarioFile,
  listRuns,
  ScenarioError,
  TwinError,
  TwinErrorCode,
  type ScenarioIssue,
} from '../src/index.js';
import { testPacks } from './fixtures/scenarios/test-packs.js';

const broken = 'packages/twin/test/fixtures/scenarios/broken';
const packs = testPacks;

function issuesOf(fixture: string): readonly ScenarioIssue[] {
  const path = join(broken, fixture);
  try {
    if (statSync(path).isDirectory()) loadConfigDir(path, 'main', { packs });
    else loadScenarioFile(path, { packs });
  } catch (error) {
    if (error instanceof ScenarioError) {
      expect(error.code).toBe(TwinErrorCode.ScenarioInvalid);
      return error.issues;
    }
    throw error;
  }
  throw new Error(`${fixture} loaded without error`);
}

interface Case {
  readonly fixture: string;
  readonly code: string;
  /** Relative to the broken/ folder. */
  readonly file: string;
  readonly line: number;
  readonly path: string;
  readonly suggestion?: string;
}

const cases: readonly Case[] = [
  { fixture: 'syntax-error.yaml.txt', code: 'yaml_syntax', file: 'syntax-error.yaml.txt', line: 6, path: '' },
  { fixture: 'tab-indentation.yaml.txt', code: 'yaml_syntax', file: 'tab-indentation.yaml.txt', line: 6, path: '' },
  { fixture: 'duplicate-key.yaml', code: 'yaml_syntax', file: 'duplicate-key.yaml', line: 5, path: '' },
  {
    fixture: 'unknown-top-level-key.yaml',
    code: 'unknown_key',
    file: 'unknown-top-level-key.yaml',
    line: 3,
    path: 'durration',
    suggestion: 'duration',
  },
  {
    fixture: 'misspelt-pack-field.yaml',
    code: 'unknown_key',
    file: 'misspelt-pack-field.yaml',
    line: 8,
    path: 'swap.stations[0].bayz',
    suggestion: 'bays',
  },
  { fixture: 'wrong-type.yaml', code: 'invalid_type', file: 'wrong-type.yaml', line: 8, path: 'swap.stations[1].bays' },
  {
    fixture: 'negative-duration.yaml',
    code: 'invalid_duration',
    file: 'negative-duration.yaml',
    line: 3,
    path: 'duration',
  },
  {
    fixture: 'negative-duration-number.yaml',
    code: 'invalid_duration',
    file: 'negative-duration-number.yaml',
    line: 3,
    path: 'duration',
  },
  {
    fixture: 'bad-duration-string.yaml',
    code: 'invalid_duration',
    file: 'bad-duration-string.yaml',
    line: 3,
    path: 'duration',
  },
  {
    fixture: 'zero-telemetry-interval.yaml',
    code: 'invalid_duration',
    file: 'zero-telemetry-interval.yaml',
    line: 5,
    path: 'telemetry.interval',
  },
  {
    fixture: 'unknown-pack.yaml',
    code: 'unknown_pack',
    file: 'unknown-pack.yaml',
    line: 2,
    path: 'pack',
    suggestion: 'swap',
  },
  { fixture: 'missing-seed.yaml', code: 'missing_seed', file: 'missing-seed.yaml', line: 1, path: 'seed' },
  { fixture: 'missing-duration.yaml', code: 'missing_field', file: 'missing-duration.yaml', line: 1, path: 'duration' },
  {
    fixture: 'unknown-constant.yaml',
    code: 'unknown_constant',
    file: 'unknown-constant.yaml',
    line: 8,
    path: 'swap.stations[0].peak_factor',
    suggestion: 'PEAK_FACTOR',
  },
  {
    fixture: 'bad-intervention-time.yaml',
    code: 'invalid_time',
    file: 'bad-intervention-time.yaml',
    line: 9,
    path: 'interventions[0].at',
  },
  {
    fixture: 'intervention-after-end.yaml',
    code: 'invalid_time',
    file: 'intervention-after-end.yaml',
    line: 9,
    path: 'interventions[0].at',
  },
  {
    fixture: 'unknown-action.yaml',
    code: 'unknown_action',
    file: 'unknown-action.yaml',
    line: 9,
    path: 'interventions[0].action',
    suggestion: 'trigger_outage',
  },
  {
    fixture: 'bad-intervention-args.yaml',
    code: 'unknown_key',
    file: 'bad-intervention-args.yaml',
    line: 12,
    path: 'interventions[0].args.duration_secs',
    suggestion: 'duration_seconds',
  },
  {
    fixture: 'csv-missing-file.yaml',
    code: 'input_missing',
    file: 'csv-missing-file.yaml',
    line: 6,
    path: 'inputs.demand',
  },
  {
    fixture: 'csv-bad-value.yaml',
    code: 'input_invalid',
    file: 'data/bad-value.csv',
    line: 3,
    path: 'inputs.demand[1].hour',
  },
  {
    fixture: 'csv-bad-column.yaml',
    code: 'input_invalid',
    file: 'data/bad-column.csv',
    line: 1,
    path: 'inputs.demand.rat',
    suggestion: 'rate',
  },
  {
    fixture: 'unknown-input.yaml',
    code: 'unknown_input',
    file: 'unknown-input.yaml',
    line: 6,
    path: 'inputs.demnd',
    suggestion: 'demand',
  },
  { fixture: 'bad-start.yaml', code: 'invalid_time', file: 'bad-start.yaml', line: 5, path: 'start' },
  {
    fixture: 'bad-timezone.yaml',
    code: 'invalid_value',
    file: 'bad-timezone.yaml',
    line: 5,
    path: 'timezone',
    suggestion: 'Europe/Paris',
  },
  { fixture: 'missing-doppel.yaml', code: 'missing_field', file: 'missing-doppel.yaml', line: 1, path: 'doppel' },
  { fixture: 'wrong-version.yaml', code: 'invalid_value', file: 'wrong-version.yaml', line: 1, path: 'doppel' },
  {
    fixture: 'enum-value.yaml',
    code: 'invalid_value',
    file: 'enum-value.yaml',
    line: 6,
    path: 'swap.mode',
    suggestion: 'fifo',
  },
  { fixture: 'not-a-mapping.yaml', code: 'invalid_type', file: 'not-a-mapping.yaml', line: 1, path: '' },
  {
    fixture: 'missing-pack-field.yaml',
    code: 'missing_field',
    file: 'missing-pack-field.yaml',
    line: 7,
    path: 'swap.stations[0].id',
  },
  {
    fixture: 'unknown-telemetry-key.yaml',
    code: 'unknown_key',
    file: 'unknown-telemetry-key.yaml',
    line: 6,
    path: 'telemetry.intervall',
    suggestion: 'interval',
  },
  { fixture: 'seed-not-integer.yaml', code: 'invalid_type', file: 'seed-not-integer.yaml', line: 4, path: 'seed' },
  {
    fixture: 'dir-unknown-reference',
    code: 'unknown_reference',
    file: 'dir-unknown-reference/runs/main.yaml',
    line: 1,
    path: 'scenario',
    suggestion: 'baseline',
  },
  {
    fixture: 'dir-reference-cycle',
    code: 'reference_cycle',
    file: 'dir-reference-cycle/behaviors/slow.yaml',
    line: 2,
    path: 'equipment',
  },
  {
    fixture: 'dir-extends-cycle',
    code: 'extends_cycle',
    file: 'dir-extends-cycle/equipment/packer.yaml',
    line: 1,
    path: 'extends',
  },
  {
    fixture: 'dir-extends-unknown',
    code: 'unknown_reference',
    file: 'dir-extends-unknown/equipment/packer.yaml',
    line: 1,
    path: 'extends',
    suggestion: 'filler',
  },
  {
    fixture: 'dir-unknown-constant',
    code: 'unknown_constant',
    file: 'dir-unknown-constant/equipment/filler.yaml',
    line: 1,
    path: 'uph',
    suggestion: 'UPH',
  },
  {
    fixture: 'dir-duplicate-keys',
    code: 'yaml_syntax',
    file: 'dir-duplicate-keys/equipment/filler.yaml',
    line: 2,
    path: '',
  },
  {
    fixture: 'dir-wrong-type-through-reference',
    code: 'invalid_type',
    file: 'dir-wrong-type-through-reference/equipment/packer.yaml',
    line: 2,
    path: 'scenario.equipment[1].uph',
  },
  {
    fixture: 'dir-defaults-type-error',
    code: 'invalid_value',
    file: 'dir-defaults-type-error/defaults.yaml',
    line: 3,
    path: 'scenario.equipment[0].reliability.mtbf_min',
  },
  {
    fixture: 'dir-override-unknown-element',
    code: 'unknown_reference',
    file: 'dir-override-unknown-element/scenarios/fast.yaml',
    line: 4,
    path: 'overrides.equipment.pakcer',
    suggestion: 'packer',
  },
  {
    fixture: 'dir-override-wrong-type',
    code: 'invalid_type',
    file: 'dir-override-wrong-type/scenarios/fast.yaml',
    line: 4,
    path: 'scenario.equipment[1].uph',
  },
  {
    fixture: 'dir-unknown-defaults-key',
    code: 'unknown_key',
    file: 'dir-unknown-defaults-key/defaults.yaml',
    line: 2,
    path: 'timezon',
    suggestion: 'timezone',
  },
  { fixture: 'dir-missing-seed', code: 'missing_seed', file: 'dir-missing-seed/runs/main.yaml', line: 1, path: 'seed' },
  {
    fixture: 'dir-misspelt-field-in-parent',
    code: 'unknown_key',
    file: 'dir-misspelt-field-in-parent/equipment/filler.yaml',
    line: 2,
    path: 'scenario.equipment[0].qualty',
    suggestion: 'quality',
  },
  {
    fixture: 'dir-duplicate-alias',
    code: 'invalid_value',
    file: 'dir-duplicate-alias/runs/main.yaml',
    line: 5,
    path: 'random_seed',
  },
  {
    fixture: 'dir-bad-duration-hours',
    code: 'invalid_duration',
    file: 'dir-bad-duration-hours/runs/main.yaml',
    line: 3,
    path: 'duration_hours',
  },
];

describe('broken scenario corpus', () => {
  test('covers every fixture of the broken folder, and at least 30', () => {
    const fixtures = readdirSync(broken).filter((name) => name !== 'data');
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    const covered = new Set([...cases.map((item) => item.fixture), 'several-problems.yaml']);
    expect(fixtures.filter((name) => !covered.has(name))).toEqual([]);
  });

  test.each(cases)('$fixture: $code at $file:$line $path', (item) => {
    const issues = issuesOf(item.fixture);
    const match = issues.find((issue) => issue.code === item.code && issue.path === item.path);
    expect(match, JSON.stringify(issues, null, 1)).toBeDefined();
    expect(match?.file).toBe(join(broken, item.file));
    expect(match?.line).toBe(item.line);
    expect(match?.column).toBeGreaterThanOrEqual(1);
    expect(match?.message.length).toBeGreaterThan(0);
    if (item.suggestion !== undefined) expect(match?.suggestion).toBe(item.suggestion);
  });

  test('every problem of one document is reported at once, in file order', () => {
    const issues = issuesOf('several-problems.yaml');
    const summary = issues.map((issue) => `${issue.line} ${issue.code} ${issue.path}`);
    expect(summary).toEqual([
      '3 unknown_key durration',
      '4 invalid_value seed',
      '5 invalid_value timezone',
      '7 invalid_value swap.mode',
      '9 invalid_value swap.stations[0].bays',
      '10 unknown_key swap.stations[1].colour',
      '12 invalid_time interventions[0].at',
    ]);
    // A misspelt key that suggests a missing field explains it: no separate "missing duration".
    expect(issues[0].suggestion).toBe('duration');
    const error = (() => {
      try {
        loadScenarioFile(join(broken, 'several-problems.yaml'), { packs });
      } catch (caught) {
        return caught as ScenarioError;
      }
      throw new Error('expected an error');
    })();
    expect(error.message).toContain('Scenario has 7 problems');
    expect(error.message).toContain('several-problems.yaml:3:1 durration: unknown top-level key');
  });

  test('problems in several files of a config directory are reported together', () => {
    const issues = issuesOf('dir-duplicate-keys');
    expect(issues.map((issue) => [issue.code, issue.file.slice(broken.length + 1), issue.line])).toEqual([
      ['yaml_syntax', 'dir-duplicate-keys/equipment/filler.yaml', 2],
      ['yaml_syntax', 'dir-duplicate-keys/products/paste.yaml', 4],
    ]);
  });

  test('a value merged from defaults.yaml under several documents is reported once, where it is written', () => {
    const issues = issuesOf('dir-defaults-type-error');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 3, column: 28, expected: '> 0', found: 'number -1' });
  });

  test('a cycle entered from both ends is one problem', () => {
    expect(issuesOf('dir-extends-cycle')).toHaveLength(1);
  });

  test('a CSV problem names the file, line, column and cell', () => {
    const issues = issuesOf('csv-bad-value.yaml');
    expect(issues.map((issue) => [issue.line, issue.column, issue.path, issue.found])).toEqual([
      [3, 4, 'inputs.demand[1].hour', 'string "x"'],
      [4, 6, 'inputs.demand[2].rate', 'number -4'],
    ]);
  });
});

describe('syntax errors across files', () => {
  const root = mkdtempSync(join(tmpdir(), 'doppel-scenario-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('every broken file reachable from the run is reported, then nothing else', () => {
    const files: Record<string, string> = {
      'defaults.yaml': 'pack: line\n',
      'runs/main.yaml': 'scenario: base\nproduct: paste\nduration: 8h\nseed: 1\n',
      'scenarios/base.yaml': 'topology: line1\nequipment: [filler]\n',
      'topologies/line1.yaml': 'stations: [filler]\n',
      'equipment/filler.yaml': 'uph: [1200\n',
      'products/paste.yaml': 'size_oz: 5\n\tmaterial_cost: 1\n',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    try {
      loadConfigDir(root, 'main', { packs });
      throw new Error('expected an error');
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioError);
      const issues = (error as ScenarioError).issues;
      expect(issues.map((issue) => [issue.code, issue.file.slice(root.length + 1), issue.line])).toEqual([
        ['yaml_syntax', 'equipment/filler.yaml', 2],
        ['yaml_syntax', 'products/paste.yaml', 2],
      ]);
      expect(issues[1].message).toContain('tabs');
    }
  });
});

describe('missing files, directories and runs', () => {
  function notFound(load: () => unknown): TwinError {
    try {
      load();
    } catch (error) {
      expect(error).toBeInstanceOf(TwinError);
      expect((error as TwinError).code).toBe(TwinErrorCode.ScenarioNotFound);
      return error as TwinError;
    }
    throw new Error('expected an error');
  }

  test('a missing scenario file names the path and lists the scenario files beside it', () => {
    const error = notFound(() => loadScenarioFile(join(broken, 'wrong-typ.yaml'), { packs }));
    expect(error.message).toContain(join(broken, 'wrong-typ.yaml'));
    expect(error.message).toContain('wrong-type.yaml');
    expect(error.message).toContain('Did you mean "wrong-type.yaml"?');
  });

  test('a directory given as a scenario file says how to load it', () => {
    expect(notFound(() => loadScenarioFile(join(broken, 'dir-missing-seed'), { packs })).message).toContain('--config');
  });

  test('a missing config directory lists the directories of its parent', () => {
    const error = notFound(() => loadConfigDir(join(broken, 'dir-nope'), 'main', { packs }));
    expect(error.message).toContain('dir-missing-seed');
  });

  test('a missing run lists the runs', () => {
    const dir = 'packages/twin/test/fixtures/scenarios/config-valid';
    expect(listRuns(dir)).toEqual(['baseline_8hr', 'faster_packer']);
    const error = notFound(() => loadConfigDir(dir, 'baseline_8h', { packs }));
    expect(error.message).toContain('baseline_8hr, faster_packer');
    expect(error.message).toContain('Did you mean "baseline_8hr"?');
  });
});
