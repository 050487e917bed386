import { fileURLToPath } from 'node:url';
import { linePack } from '@doppel/pack-line';
import { swapPack } from '@doppel/pack-swap';
import { loadTestText, runTest, type TestDefinition } from '@doppel/verify';
import type { TestResult } from '@doppel/twin';

export const packs = [swapPack, linePack];
export const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));

/** Loads a test written inline, its scenario paths relative to examples/. */
export function load(yaml: string, fileName = 'inline.test.yaml'): Promise<TestDefinition> {
  return loadTestText(yaml, { packs, fileName, baseDir: examples });
}

export async function run(yaml: string): Promise<TestResult> {
  return runTest(await load(yaml), { packs });
}

/** The evening peak (20 stations) ending at 20:00: the rush is in it, the quiet night is not. */
export const eveningPeak = (extra = ''): string => `
scenario:
  file: swap/evening-peak-a.yaml
  seed: 2026
  duration: 20h
${extra}`;
