import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BaselineResult } from '@doppel/twin';
import type { CompiledBaseline } from './definition.js';
import { VerifyError, VerifyErrorCode } from './errors.js';

/** A stored baseline: the value of each named KPI expression (mean over the base replications). */
export interface BaselineFile {
  readonly doppel: 1;
  readonly test: string;
  readonly values: Record<string, number>;
}

/** Reads a baseline file; a missing or malformed one is bad input (write it with `update`). */
export function readBaseline(baseline: CompiledBaseline): BaselineFile {
  if (!existsSync(baseline.path)) {
    throw new VerifyError(
      VerifyErrorCode.BaselineMissing,
      `baseline file not found: ${baseline.path} (write it with doppel test --update-baselines)`,
      [],
      { path: baseline.path },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(baseline.path, 'utf8'));
  } catch (error) {
    throw new VerifyError(
      VerifyErrorCode.BaselineMissing,
      `baseline file ${baseline.path} is not JSON: ${(error as Error).message}`,
    );
  }
  const values = (parsed as { values?: unknown } | null)?.values;
  if (values === null || typeof values !== 'object') {
    throw new VerifyError(VerifyErrorCode.BaselineMissing, `baseline file ${baseline.path} has no "values" mapping`);
  }
  return parsed as BaselineFile;
}

export function writeBaseline(baseline: CompiledBaseline, test: string, values: Record<string, number>): void {
  mkdirSync(dirname(baseline.path), { recursive: true });
  const file: BaselineFile = { doppel: 1, test, values };
  writeFileSync(baseline.path, JSON.stringify(file, null, 2) + '\n');
}

/** Compares actual values with the stored ones: a KPI fails when it is worse by more than its tolerance. */
export function compareBaseline(
  baseline: CompiledBaseline,
  stored: BaselineFile,
  actual: Record<string, number>,
): BaselineResult[] {
  return baseline.values.map(({ name, better, tolerance }) => {
    const reference = stored.values[name];
    const value = actual[name];
    if (typeof reference !== 'number') {
      return { name, better, baseline: 0, actual: value, worseBy: Number.MAX_VALUE, tolerance, status: 'failed' };
    }
    const delta = better === 'lower' ? value - reference : reference - value;
    const worseBy =
      reference === 0 ? (delta === 0 ? 0 : Math.sign(delta) * Number.MAX_VALUE) : delta / Math.abs(reference);
    return {
      name,
      better,
      baseline: reference,
      actual: value,
      worseBy,
      tolerance,
      status: worseBy <= tolerance ? 'passed' : 'failed',
    };
  });
}
