import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  loadScenarioFile,
  loadScenarioText,
  MAX_DOCUMENT_BYTES,
  MAX_NESTING_DEPTH,
  MAX_YAML_ALIASES,
  ScenarioError,
  type ScenarioIssue,
} from '../src/index.js';
import { testPacks } from './fixtures/scenarios/test-packs.js';

const packs = testPacks;

function issuesOfText(text: string): readonly ScenarioIssue[] {
  try {
    loadScenarioText(text, { packs, fileName: 'hostile.yaml' });
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues;
    throw error;
  }
  throw new Error('loaded without error');
}

/** "Billion laughs": each level lists the previous one `width` times. */
export function billionLaughs(levels = 9, width = 9): string {
  const lines = [`l0: &l0 "lol"`];
  for (let level = 1; level <= levels; level += 1) {
    lines.push(`l${level}: &l${level} [${Array.from({ length: width }, () => `*l${level - 1}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

describe('the YAML reader bounds hostile documents with a located issue', () => {
  test('nested aliases (billion laughs) stop at the alias that expands them', () => {
    const issues = issuesOfText(billionLaughs());
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'input_limit', file: 'hostile.yaml' });
    expect(issues[0].message).toMatch(/aliases here adds more than/);
    // Each level holds 9 times the values of the one before; those added by aliases, counted from the top, cross
    // 100,000 while l5 (line 6) is read.
    expect(issues[0].line).toBe(6);
    expect(issues[0].column).toBeGreaterThanOrEqual(10);
  });

  test('aliases of one long string are bounded by the expanded characters, not only by the count of values', () => {
    const text = `big: &big "${'x'.repeat(1024 * 1024)}"\ncopies: [${Array.from({ length: 40 }, () => '*big').join(', ')}]\n`;
    const issues = issuesOfText(text);
    expect(issues[0]).toMatchObject({ code: 'input_limit', line: 2 });
    expect(issues[0].message).toMatch(/characters/);
  });

  test('more aliases than the limit are refused at the first one over it', () => {
    const text = `a: &a 1\nlist:\n${Array.from({ length: MAX_YAML_ALIASES + 1 }, () => '  - *a').join('\n')}\n`;
    const issues = issuesOfText(text);
    expect(issues[0]).toMatchObject({ code: 'input_limit', line: 3 + MAX_YAML_ALIASES });
    expect(issues[0].message).toMatch(/too many aliases/);
  });

  test('an alias inside the node it names is unresolved, not an endless expansion', () => {
    const issues = issuesOfText('a: &x\n  b: [*x]\n');
    expect(issues[0]).toMatchObject({ code: 'yaml_syntax', line: 2 });
    expect(issues[0].message).toMatch(/alias \*x names no anchor/);
  });

  test.each([
    ['flow lists', (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`, 1, 100_000],
    ['compact block lists', (n: number) => `${'- '.repeat(n)}x`, 1, 100_000],
    [
      'indented mappings',
      (n: number) => `${Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1`,
      MAX_NESTING_DEPTH + 1,
      2_000,
    ],
  ])('%s nested deep are refused before the parser recurses', (_name, make, line, deepest) => {
    for (const depth of [MAX_NESTING_DEPTH + 1, 1_000, deepest]) {
      const issues = issuesOfText(make(depth));
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: 'input_limit', line });
      expect(issues[0].message).toMatch(/nested more than 64 levels/);
    }
  });

  test('nesting up to the limit is read', () => {
    const issues = issuesOfText(`x: ${'['.repeat(MAX_NESTING_DEPTH - 1)}${']'.repeat(MAX_NESTING_DEPTH - 1)}\n`);
    expect(issues.some((issue) => /nested/.test(issue.message))).toBe(false);
  });

  test('binary data is refused at the first control character', () => {
    const issues = issuesOfText('name: a\nseed: 1\nbad: "x\u0000y"\n');
    expect(issues[0]).toMatchObject({ code: 'yaml_syntax', line: 3, column: 8 });
    expect(issues[0].message).toMatch(/control character U\+0000/);
  });

  test('a document over the size limit is refused at its first line', () => {
    const issues = issuesOfText(`# ${'x'.repeat(MAX_DOCUMENT_BYTES)}\n`);
    expect(issues[0]).toMatchObject({ code: 'input_limit', line: 1, column: 1 });
    expect(issues[0].message).toMatch(/larger than/);
  });

  describe('files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doppel-hostile-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test('a 4 GiB file is refused after reading only its first bytes', () => {
      const path = join(dir, 'huge.yaml');
      writeFileSync(path, '');
      truncateSync(path, 4 * 1024 ** 3);
      try {
        loadScenarioFile(path, { packs });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ScenarioError);
        expect((error as ScenarioError).issues[0]).toMatchObject({
          file: path,
          line: 1,
          message: expect.stringMatching(/larger than/),
        });
      }
    });
  });
});
