import { testFmu } from '@doppel/bridge-fmi/testing';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doppel, tempDir } from './cli-helpers.js';

// The built CLI (npx tsc -b) running the project's own test FMUs, compiled with the machine's C compiler.
// Each case starts the CLI (and a host process per run): generous timeouts for a loaded CI machine.
describe('doppel fmu', { timeout: 180_000 }, () => {
  it('info: the default experiment and a table of variables', () => {
    const result = doppel(['fmu', 'info', testFmu('lag')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('default experiment: startTime=0 stopTime=5 stepSize=0.1 tolerance=-');
    const lines = result.stdout.split('\n');
    const header = lines.findIndex((line) => line.startsWith('name'));
    expect(lines[header].split(/\s{2,}/)).toEqual([
      'name',
      'value reference',
      'causality',
      'variability',
      'type',
      'start',
      'unit',
    ]);
    expect(lines[header + 3].split(/\s{2,}/)).toEqual(['T', '2', 'parameter', 'fixed', 'Real', '1', 's']);
  });

  it('run: header time,<outputs>, full double precision, parameters and defaults from the default experiment', () => {
    const dir = tempDir('fmu-run');
    const out = join(dir, 'out.csv');
    const result = doppel(['fmu', 'run', testFmu('lag'), '--set', 'T=2', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('time,y');
    expect(lines).toHaveLength(52);
    for (const line of lines.slice(1)) {
      const [t, y] = line.split(',').map(Number);
      expect(Math.abs(y - (1 - Math.exp(-t / 2)))).toBeLessThan(1e-12);
    }
    // Shortest round-trip text of each double: parsing it back gives the very same number.
    expect(lines[2]).toBe(`0.1,${String(1 - Math.exp(-0.05))}`);
  });

  it('run: inputs from CSV, explicit times, and FMI 3.0', () => {
    const dir = tempDir('fmu-input');
    writeFileSync(join(dir, 'u.csv'), 'time,u\n0,2\n0.5,0\n');
    const out = join(dir, 'out.csv');
    const result = doppel([
      'fmu',
      'run',
      testFmu('lag3'),
      '--input',
      join(dir, 'u.csv'),
      '--start-time',
      '0',
      '--stop-time',
      '1',
      '--output-interval',
      '0.25',
      '--out',
      out,
    ]);
    expect(result.status, result.stderr).toBe(0);
    const rows = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',').map(Number));
    expect(rows.map((row) => row[0])).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const y05 = 2 * (1 - Math.exp(-0.5));
    expect(rows[2][1]).toBeCloseTo(y05, 12);
    expect(rows[4][1]).toBeCloseTo(y05 * Math.exp(-0.5), 12);
  });

  it('exit 0 with rows up to the last successful time when the FMU asks to terminate', () => {
    const out = join(tempDir('fmu-term'), 'out.csv');
    const result = doppel(['fmu', 'run', testFmu('terminator'), '--out', out]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('asked to terminate at t=0.45');
    expect(readFileSync(out, 'utf8').trimEnd().split('\n').at(-1)).toBe('0.45,0.45');
  });

  it('exit 1 when the FMU crashes or hangs, with a typed message and no stack trace', () => {
    const out = join(tempDir('fmu-crash'), 'out.csv');
    const crash = doppel(['fmu', 'run', testFmu('crash'), '--out', out]);
    expect(crash.status).toBe(1);
    expect(crash.stderr).toContain('killed by SIGSEGV during doStep [DOPPEL_ERR_FMU_HOST_CRASHED]');
    const hang = doppel(['fmu', 'run', testFmu('hang'), '--timeout', '3', '--out', out]);
    expect(hang.status).toBe(1);
    expect(hang.stderr).toContain('[DOPPEL_ERR_FMU_CALL_TIMEOUT]');
    expect(`${crash.stderr}${hang.stderr}`).not.toMatch(/\n\s+at /);
  });

  it('exit 2 on bad input: not an FMU, an unknown variable, a bad value, a bad input CSV, bad times', () => {
    const dir = tempDir('fmu-bad');
    const out = join(dir, 'out.csv');
    writeFileSync(join(dir, 'junk.fmu'), 'not a zip');
    writeFileSync(join(dir, 'bad.csv'), 'time,nope\n0,1\n');
    const cases = [
      [['fmu', 'run', join(dir, 'junk.fmu'), '--out', out], 'DOPPEL_ERR_FMU_ARCHIVE_INVALID'],
      [['fmu', 'run', testFmu('lag'), '--set', 'nope=1', '--out', out], 'no variable named "nope"'],
      [['fmu', 'run', testFmu('lag'), '--set', 'T=abc', '--out', out], 'must be a number'],
      [['fmu', 'run', testFmu('lag'), '--set', 'y', '--out', out], '--set expects NAME=VALUE'],
      [
        ['fmu', 'run', testFmu('lag'), '--input', join(dir, 'bad.csv'), '--out', out],
        'bad.csv:1: column "nope" is not an input',
      ],
      [['fmu', 'run', testFmu('lag'), '--stop-time', '-1', '--out', out], 'must be after the start time'],
      [['fmu', 'run', testFmu('lag'), '--output-interval', 'x', '--out', out], '--output-interval must be a number'],
      [['fmu', 'info', join(dir, 'missing.fmu')], 'no such file'],
    ] as const;
    for (const [args, message] of cases) {
      const result = doppel(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });
});
