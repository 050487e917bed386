import { mkdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { doppel, tempDir } from './cli-helpers.js';

/** "Billion laughs": nine levels, each listing the previous one nine times (9^9 strings once expanded). */
function billionLaughs(): string {
  const lines = ['doppel: 1', 'pack: swap', 'seed: 1', 'l0: &l0 "lol"'];
  for (let level = 1; level <= 9; level += 1) {
    lines.push(`l${level}: &l${level} [${Array.from({ length: 9 }, () => `*l${level - 1}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** Deterministic bytes that are not text. */
function binary(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  let state = 12345;
  for (let index = 0; index < size; index += 1) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    bytes[index] = state >> 16;
  }
  return bytes;
}

describe('doppel run and doppel validate with hostile files', () => {
  const dir = tempDir('hostile');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  const cases: [string, () => string, RegExp][] = [
    ['an alias bomb', () => file('bomb.yaml', billionLaughs()), /:9:\d+ following the aliases here adds more than/],
    [
      'lists nested 100,000 deep',
      () => file('deep.yaml', `doppel: 1\nx: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`),
      /:2:\d+ the document is nested more than 64 levels deep/,
    ],
    [
      'compact lists nested 100,000 deep',
      () => file('dash.yaml', `${'- '.repeat(100_000)}x\n`),
      /:1:\d+ the document is nested more than 64 levels deep/,
    ],
    [
      'binary data',
      () => file('binary.yaml', binary(64 * 1024)),
      /:\d+:\d+ the document contains the control character/,
    ],
    [
      'a 3 GiB file',
      () => {
        const path = file('huge.yaml', '');
        truncateSync(path, 3 * 1024 ** 3);
        return path;
      },
      /:1:1 the document is larger than/,
    ],
  ];

  for (const [name, make, expected] of cases) {
    it(`${name}: a located error and exit code 2, never a stack trace`, () => {
      const path = make();
      for (const command of ['validate', 'run']) {
        const out = join(dir, `out-${command}`);
        mkdirSync(out, { recursive: true });
        const result = doppel(command === 'run' ? ['run', path, '--out', out, '--no-progress'] : ['validate', path]);
        expect(result.stderr).toContain(path);
        expect(result.stderr).toMatch(expected);
        expect(result.stderr).not.toMatch(/^\s+at /m);
        expect(result.stderr).not.toMatch(/internal error|Maximum call stack|YAML syntax error/);
        expect(result.status).toBe(2);
      }
    });
  }
});
