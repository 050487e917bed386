import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { compileErrors, validate } from '@readme/openapi-parser';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type DoppelApp } from '../src/index.js';

// The served OpenAPI document is for others: a maintained validator accepts it, and a client generated from it by a
// standard generator (openapi-typescript) type-checks, with the contract's shapes as named components.
const run = promisify(execFile);
const require = createRequire(import.meta.url);

describe('OpenAPI document', () => {
  let built: DoppelApp;
  let dir: string;
  let spec: { openapi: string; components: { schemas: Record<string, unknown> } };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'doppel-openapi-'));
    built = await buildApp({ dataDir: join(dir, 'data'), logLevel: false, webDir: null });
    spec = (await built.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  });
  afterAll(async () => {
    await built.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes a maintained OpenAPI validator, every reference resolving', async () => {
    const result = await validate(structuredClone(spec) as Parameters<typeof validate>[0]);
    expect(result.valid ? '' : compileErrors(result)).toBe('');
    for (const name of [
      'Simulation',
      'LedgerEvent',
      'SimulationEvent',
      'InterventionRecord',
      'Asset',
      'Problem',
      'ScenarioTest',
      'TestRun',
      'TestResult',
      'MachineModel',
      'ModelRunInput',
      'ProcessCatalogue',
      'Fmu',
      'FmuSummary',
    ]) {
      expect(Object.keys(spec.components.schemas)).toContain(name);
    }
  });

  it('generates a client with openapi-typescript that type-checks', async () => {
    const docPath = join(dir, 'openapi.json');
    const outPath = join(dir, 'api.d.ts');
    writeFileSync(docPath, JSON.stringify(spec));
    const bin = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');
    await run(process.execPath, [bin, docPath, '--output', outPath], { timeout: 60_000 });
    // A caller of the generated types: the list of simulations and a ledger page, named by the contract.
    const usePath = join(dir, 'use.ts');
    writeFileSync(
      usePath,
      [
        "import type { components, paths } from './api.js';",
        "type List = paths['/api/v1/simulations']['get']['responses'][200]['content']['application/json'];",
        "type Ledger = paths['/api/v1/simulations/{simId}/ledger']['get']['responses'][200]['content']['application/json'];",
        "export const first = (list: List): components['schemas']['Simulation'] | undefined => list[0];",
        'export const seqs = (page: Ledger): number[] => page.map((e) => e.seq);',
        "export const status: components['schemas']['Simulation']['status'] = 'paused';",
        "type Run = paths['/api/v1/test-results/{resultId}']['get']['responses'][200]['content']['application/json'];",
        "export const verdict = (run: Run): 'APPROVE' | 'REJECT' | null => run.verdict;",
        'export const steps = (run: Run): number => run.result?.replications[0]?.steps.length ?? 0;',
        '',
      ].join('\n'),
    );
    const program = ts.createProgram([usePath], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: [],
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  }, 120_000);
});
